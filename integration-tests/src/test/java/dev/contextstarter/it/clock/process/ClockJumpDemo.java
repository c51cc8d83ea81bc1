package dev.contextstarter.it.clock.process;

import java.time.Instant;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import dev.contextstarter.clock.ScheduledRun;
import dev.contextstarter.clock.autoconfigure.ClockAutoConfiguration;

/**
 * The application the libfaketime test runs in a child JVM: one cron task every 2 seconds
 * that prints what it knows about its run. It imports only the auto-configurations it
 * needs, to start quickly on a busy machine. Deliberately not a {@code @Configuration}
 * class, so that no other test's component scan picks it up.
 */
@ImportAutoConfiguration(classes = { ClockAutoConfiguration.class, TaskSchedulingAutoConfiguration.class })
@EnableScheduling
@Import(ClockJumpDemo.CronJob.class)
public class ClockJumpDemo {

	public static void main(String[] args) {
		new SpringApplicationBuilder(ClockJumpDemo.class).web(WebApplicationType.NONE).run(args);
	}

	/**
	 * The cron task.
	 */
	public static class CronJob {

		@Scheduled(cron = "*/2 * * * * *")
		public void everyTwoSeconds() {
			Instant now = Instant.now();
			ScheduledRun run = ScheduledRun.current();
			if (run != null) {
				System.out.println("CRON-FIRED actual=" + run.actualTime() + " nominal=" + run.nominalTime()
						+ " reason=" + run.reason() + " missed=" + run.missedCount() + " now=" + now + " mono="
						+ System.nanoTime());
			}
			else {
				System.out.println("CRON-FIRED actual=" + now + " mono=" + System.nanoTime());
			}
		}

	}

}
