# Trains the second example: a classification tree for iris species (package rpart,
# pinned in packrat/packrat.lock). Run from this folder: Rscript train.R
library(rpart)
set.seed(42)
tree <- rpart(Species ~ ., data = iris, method = "class", control = rpart.control(cp = 0.01))
saveRDS(tree, "tree.rds")
print(tree)
