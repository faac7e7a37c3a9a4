# Benchmark handler: a small logistic "model" scoring a few rows, typical of a real
# score function (data.frame in, data.frame out) without depending on any package.
coefs <- c(intercept = -1.2, age = 0.03, income = -0.00001)

score <- function(data) {
  eta <- coefs[["intercept"]] + coefs[["age"]] * data$age + coefs[["income"]] * data$income
  data.frame(id = data$id, probability = round(plogis(eta), 6))
}
