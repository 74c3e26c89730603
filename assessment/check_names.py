"""The automated checks a criterion may name.

Criteria files name checks so that assessors know which mechanical checks back each
criterion; the checks themselves run in Celery workers.
"""

KNOWN_CHECKS: dict[str, str] = {
    "required_answers_present": "Every required question the criterion covers is answered.",
    "evidence_types_attached": "The evidence types the question expects are attached.",
    "evidence_scan_clean": "Attached evidence passed the type, malware and obfuscation checks.",
    "evidence_within_window": "Evidence is dated within the window the criterion sets.",
    "dates_in_order": "Dates follow each other as the template requires.",
    "test_results_summary": "A test execution log shows a pass rate above the threshold.",
    "rttm_coverage": "Every mapped MHHS requirement has at least one passed test case.",
    "reliance_references_valid": "Placing-reliance references point at accepted evidence.",
    "sign_off_matches": "The sign-off is present and matches the content hash.",
}
