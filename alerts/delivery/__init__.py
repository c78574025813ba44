"""Getting messages from the outbox to GOV.UK Notify: sending, the shared allowance, retries, receipts."""
