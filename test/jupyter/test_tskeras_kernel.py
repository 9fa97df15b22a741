"""The standard Jupyter kernel conformance suite (jupyter_kernel_test) for the tskeras kernel.

Run by test/jupyter/kernel-suite.test.ts with JUPYTER_PATH pointing at a freshly installed
kernelspec; every sample below is filled in so that no test is skipped.
"""
import unittest

import jupyter_kernel_test


class TskerasKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "tskeras"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world");'
    code_stderr = 'console.error("something went wrong");'

    completion_samples = [
        {"text": "const samplesForCompletion = [1, 2];\nsamplesForCompletion.fil", "matches": {"fill", "filter"}},
        {"text": "Math.ma", "matches": {"max"}},
    ]

    complete_code_samples = ["const x = 1;", "function f(a: number) { return a + 1; }", "x + 1", "%time 1 + 1"]
    incomplete_code_samples = ["function f(a: number) {", "const values = [1,\n  2,", "if (true) {\n  console.log(1);"]
    invalid_code_samples = ["const = 5;\nlet y = 1;", "1 +* 2; let z = 3"]

    code_page_something = "Math.max?"

    code_generate_error = 'throw new Error("a deliberate error");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"typescript".toUpperCase()', "result": "'TYPESCRIPT'"},
        {"code": "[1, 2, 3].map((value: number) => value * 2)", "result": "[ 2, 4, 6 ]"},
    ]

    code_display_data = [
        {"code": 'display.html("<b>bold</b>");', "mime": "text/html"},
        {"code": 'display({ "image/svg+xml": "<svg xmlns=\\"http://www.w3.org/2000/svg\\"></svg>" }, { raw: true });', "mime": "image/svg+xml"},
    ]

    code_history_pattern = "6 * *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput();"


if __name__ == "__main__":
    unittest.main()
