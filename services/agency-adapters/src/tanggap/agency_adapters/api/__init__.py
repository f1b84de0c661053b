"""HTTP: agencies' status webhooks; the operational endpoints come from
tanggap.streaming.http."""
