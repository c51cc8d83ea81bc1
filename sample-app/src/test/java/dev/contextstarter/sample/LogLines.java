package dev.contextstarter.sample;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses console output in Boot's default pattern plus the starter's correlation segment:
 * {@code <time> <LEVEL> <pid> --- [<thread>] [<requestId>] <logger> : <message>}.
 */
final class LogLines {

	private static final Pattern LINE = Pattern
		.compile("^\\S+\\s+(\\w+) \\d+ --- \\[\\s*([^\\]]*)\\] \\[([^\\]]*)\\] (\\S+)\\s+: (.*)$");

	private LogLines() {
	}

	/**
	 * One log line.
	 *
	 * @param level the level
	 * @param thread the thread name, as the pattern truncates it
	 * @param requestId the request ID segment, empty when there was none
	 * @param logger the abbreviated logger name
	 * @param message the message
	 */
	record Line(String level, String thread, String requestId, String logger, String message) {
	}

	static List<Line> parse(String output) {
		return output.lines()
			.map(LINE::matcher)
			.filter(Matcher::matches)
			.map((matcher) -> new Line(matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4),
					matcher.group(5)))
			.toList();
	}

}
