"""Penalized logistic regression (ridge, lasso, elastic net) with glmnet's objective."""
