"""The referral front door: referrals to the MSCC coordinator, their triage (rules section 10), the worklist."""
