# The handler R Deploy calls: `score.score` = function `score` in this file.
# Top-level code runs once per process, at cold start: load the model here, never per request.
model <- readRDS("model.rds")

#' Probability that a car has a manual transmission.
#'
#' @param wt weight in 1000 lbs; one value or several
#' @param hp gross horsepower; as many values as `wt`
score <- function(wt, hp) {
  if (length(wt) != length(hp)) {
    stop("wt and hp must have the same length (got ", length(wt), " and ", length(hp), ")")
  }
  cars <- data.frame(wt = as.numeric(wt), hp = as.numeric(hp))
  p <- unname(predict(model, newdata = cars, type = "response"))
  message("scored ", nrow(cars), " car(s)")
  list(
    probability = p,
    transmission = ifelse(p >= 0.5, "manual", "automatic")
  )
}
