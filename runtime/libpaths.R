# The runtime's packages (jsonlite, httpuv, ...) live in a library of their own,
# RDEPLOY_RUNTIME_LIB, put LAST on the search path. Whatever the process already has
# (R_LIBS, R_LIBS_USER, the site library, an renv project library: where the user's
# lockfile was restored) stays FIRST. So when the user's project pins jsonlite or
# httpuv, their version is the one loaded, by the runtime and by score.R alike; the
# runtime's copies only fill in what the user does not have. One namespace per package
# per process: the two can never both be loaded and collide.
#
# `.libPaths(new)` always appends the site library after `new`; include.site = FALSE
# (with the site library kept in `user`) is what keeps the runtime library after it.
# .Library (base and recommended packages) stays at the very end, as R requires.
setup_libpaths <- function(runtime_lib) {
  if (!dir.exists(runtime_lib)) {
    # Dev and tests: no runtime library built; use the packages R already sees.
    log_line("runtime library ", runtime_lib, " not found; using .libPaths() as they are")
    return(invisible(NA_character_))
  }
  runtime_lib <- normalizePath(runtime_lib)
  user <- setdiff(.libPaths(), c(runtime_lib, .Library))
  .libPaths(c(user, runtime_lib), include.site = FALSE)
  invisible(runtime_lib)
}
