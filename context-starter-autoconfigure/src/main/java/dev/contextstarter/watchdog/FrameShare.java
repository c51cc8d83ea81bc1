package dev.contextstarter.watchdog;

/**
 * Where a long stall spent its time: one place in the stuck thread's code and its share
 * of the stack samples the watchdog took while the thread was stuck.
 *
 * @param frame the place: the first application frame, after the method the thread was
 * waiting in when it was not running (for example
 * {@code Thread.sleep ← OrderService.lookUp:57})
 * @param samples how many samples were taken there
 * @param share those samples' share of all samples of the stall, from 0 to 1
 */
public record FrameShare(String frame, int samples, double share) {

	/**
	 * The share in whole percent.
	 * @return the rounded percentage
	 */
	public long percent() {
		return Math.round(this.share * 100);
	}

	@Override
	public String toString() {
		return percent() + "% " + this.frame;
	}

}
