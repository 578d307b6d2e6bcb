//! The types guard the API: code written as a user would write it compiles (`guards/pass`), and
//! mistakes do not (`guards/fail`, each with the compiler's message committed beside it).

#[test]
fn api_guards() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/guards/pass/*.rs");
    cases.compile_fail("tests/guards/fail/*.rs");
}
