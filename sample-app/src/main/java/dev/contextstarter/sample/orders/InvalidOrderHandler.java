package dev.contextstarter.sample.orders;

import java.util.Comparator;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebInputException;

/**
 * Turns bad order input into a 400 whose JSON body says what to fix.
 */
@RestControllerAdvice(assignableTypes = OrderController.class)
class InvalidOrderHandler {

	@ExceptionHandler
	ProblemDetail invalidFields(WebExchangeBindException ex) {
		List<FieldProblem> problems = ex.getFieldErrors()
			.stream()
			.map((error) -> new FieldProblem(error.getField(), String.valueOf(error.getDefaultMessage())))
			.sorted(Comparator.comparing(FieldProblem::field))
			.toList();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The order is invalid: "
				+ String.join("; ", problems.stream().map((field) -> field.field() + " " + field.message()).toList()));
		problem.setTitle("Invalid order");
		problem.setProperty("errors", problems);
		return problem;
	}

	// WebExchangeBindException is a ServerWebInputException too; Spring picks the closest
	// match.
	@ExceptionHandler
	ProblemDetail unreadableBody(ServerWebInputException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"The body must be JSON like {\"sku\": \"ABC-1\", \"quantity\": 2}");
		problem.setTitle("Unreadable order");
		return problem;
	}

	/**
	 * One rejected field.
	 *
	 * @param field the field name
	 * @param message what is wrong with it
	 */
	record FieldProblem(String field, String message) {
	}

}
