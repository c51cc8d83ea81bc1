package dev.contextstarter.sample.orders;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /orders}.
 *
 * @param sku the stock keeping unit ordered
 * @param quantity how many
 */
public record OrderRequest(
		@NotBlank @Size(max = 40) @Pattern(regexp = "[A-Za-z0-9-]*",
				message = "must contain only letters, digits and dashes") @Nullable String sku,
		@NotNull @Min(1) @Max(100) @Nullable Integer quantity) {
}
