package dev.contextstarter.requestid.amqp;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.MessageProperties;

import dev.contextstarter.requestid.RequestIdContext;

/**
 * The contexts given to received messages from untrusted publishers, by message (its
 * properties' identity), for as long as the message is alive. Their ID header carries the
 * replacement ID, which would be rejected again, as untrusted, on every later read; this
 * keeps every read of the same message (the listener, a batch item's scope, the error
 * handler, the reply) on the one context. Nothing a publisher sends can mark a message as
 * settled.
 */
final class SettledContexts {

	private final ReferenceQueue<MessageProperties> collected = new ReferenceQueue<>();

	private final Map<Key, RequestIdContext> contexts = new ConcurrentHashMap<>();

	@Nullable RequestIdContext get(MessageProperties properties) {
		expungeCollected();
		return this.contexts.get(new Key(properties, null));
	}

	void put(MessageProperties properties, RequestIdContext context) {
		expungeCollected();
		this.contexts.put(new Key(properties, this.collected), context);
	}

	private void expungeCollected() {
		Reference<? extends MessageProperties> reference;
		while ((reference = this.collected.poll()) != null) {
			this.contexts.remove(reference);
		}
	}

	/** Identity of a message's properties, without keeping them alive. */
	private static final class Key extends WeakReference<MessageProperties> {

		private final int hash;

		Key(MessageProperties properties, @Nullable ReferenceQueue<MessageProperties> queue) {
			super(properties, queue);
			// MessageProperties.hashCode() follows the headers, which change when
			// settled.
			this.hash = System.identityHashCode(properties);
		}

		@Override
		public boolean equals(@Nullable Object other) {
			if (this == other) {
				return true;
			}
			MessageProperties referent = get();
			return other instanceof Key key && referent != null && key.get() == referent;
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

}
