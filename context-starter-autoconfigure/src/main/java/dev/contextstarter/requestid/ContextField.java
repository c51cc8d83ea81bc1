package dev.contextstarter.requestid;

/**
 * A field carried with the request ID, such as a tenant ID.
 *
 * @param name the field's name, as configured under {@code context.fields.<name>}
 * @param header the HTTP header that carries it; lowercased, it is also the AMQP header
 * @param mdcKey the MDC key it is logged under
 */
public record ContextField(String name, String header, String mdcKey) {

}
