# Handler "predict.classify" (see rdeploy.json): function `classify` in this file.
library(rpart)

# Loaded once per process, at cold start.
tree <- readRDS("tree.rds")

#' Species of each flower, with the tree's confidence.
#'
#' @param flowers rows with Sepal.Length, Sepal.Width, Petal.Length, Petal.Width; a JSON array
#'   of objects arrives here as a data frame
classify <- function(flowers) {
  needed <- c("Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width")
  missing <- setdiff(needed, names(flowers))
  if (length(missing) > 0) stop("missing measurements: ", paste(missing, collapse = ", "))
  probs <- predict(tree, newdata = flowers, type = "prob")
  best <- max.col(probs, ties.method = "first")
  cat("classified", nrow(flowers), "flower(s)\n")
  data.frame(
    species = colnames(probs)[best],
    confidence = probs[cbind(seq_along(best), best)],
    row.names = NULL
  )
}
