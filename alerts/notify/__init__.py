"""GOV.UK Notify: the gateway, recipient validation and message rendering. Knows nothing of Flask or the database."""
