package dev.contextstarter.requestid.task.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the request context of {@code @Scheduled} runs.
 */
@ConfigurationProperties("context.scheduling")
public class SchedulingContextProperties {

	/**
	 * Whether every run of an @Scheduled task opens a fresh request context with a new
	 * ID.
	 */
	private boolean newContextPerRun = true;

	/**
	 * MDC key that holds the running task's name (the qualified method name) while a run
	 * lasts; empty for none.
	 */
	private String taskMdcKey = "scheduledTask";

	public boolean isNewContextPerRun() {
		return this.newContextPerRun;
	}

	public void setNewContextPerRun(boolean newContextPerRun) {
		this.newContextPerRun = newContextPerRun;
	}

	public String getTaskMdcKey() {
		return this.taskMdcKey;
	}

	public void setTaskMdcKey(String taskMdcKey) {
		this.taskMdcKey = taskMdcKey;
	}

}
