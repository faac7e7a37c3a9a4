# Trains the example model: the probability that a car has a manual transmission, from its
# weight and horsepower (logistic regression on the built-in mtcars data). Base R only.
# Run from this folder: Rscript train.R
model <- glm(am ~ wt + hp, family = binomial(), data = mtcars)
# Drop the training data and fitted values the model does not need to predict: a smaller
# model.rds loads faster at cold start.
model$data <- NULL
model$model <- NULL
saveRDS(model, "model.rds")
print(summary(model)$coefficients)
