//! xtask's commands, run as a learner or a teacher runs them, on a miniature workbook.
//!
//! Each test copies `xtask/tests/fixture` (two tiny exercises, std only) and points xtask at
//! the copy with `WORKBOOK_ROOT`: the real exercises are never touched nor compiled. The
//! fixture's crates use only std, so each copy builds in a second and the suite takes seconds.
//!
//! One test binary holds every module, so it is compiled and linked once.

mod chapter_numbers;
mod classroom;
mod fixture;
mod forgery;
mod learner;
mod learner_code;
mod readme;
mod real_aws;
mod teacher;
mod workbook;
