<?php
// The Symfony application's side of the shared messages (the seed's SendEmailMessage) and a stamp
// of its own that the Node side has no class for.

namespace App\Message {
    final class SendEmailMessage
    {
        public function __construct(public int $offerId, public string $to, public string $subject = '')
        {
        }
    }

    /** A message only the PHP application knows. */
    final class RebuildSearchIndexMessage
    {
        public function __construct(public string $index)
        {
        }
    }
}

namespace App\Stamp {
    use Symfony\Component\Messenger\Stamp\StampInterface;

    final class TenantStamp implements StampInterface
    {
        public function __construct(private string $tenant)
        {
        }

        public function getTenant(): string
        {
            return $this->tenant;
        }
    }
}
