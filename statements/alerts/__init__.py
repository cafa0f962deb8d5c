"""Email alerts: follow any filter of the timeline by email (docs/alerts.md).

- `models`: subscriptions, the digests sent and the (subscription, statement) pairs already sent — the truth about
  what went to whom, so a statement reaches a subscription at most once;
- `links`: the signed and opaque links the emails carry (confirm, manage, unsubscribe);
- `subscribing`: asking for an alert (a queued `ConfirmationRequest`, acted on by `send_alerts`) and confirming it
  (no email but the confirmation before then);
- `digests`: what is due and what a digest holds; `emails`: the messages; `mail`: the SMTP backend, signing with
  DKIM; `sending`: one run of `send_alerts`;
- `views`: the public pages (subscribe, confirm, manage, one-click unsubscribe).
"""
