<?php
// The seed's Symfony application (Symfony Messenger 5.4, Debian's packages) sending
// App\Message\SendEmailMessage to its high_priority transport, which the leadgen worker consumes:
//
//   php send-email.php <pgsql://user@host:port/database> <schema> <offer id>
//
// The transport is the seed's doctrine://default?queue_name=high with Symfony's JSON serializer.

namespace App\Message {
    final class SendEmailMessage
    {
        public function __construct(public int $offerId, public ?int $userId = null)
        {
        }
    }
}

namespace {
    error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
    foreach (['Symfony/Component/Messenger', 'Symfony/Component/Messenger/Bridge/Doctrine', 'Symfony/Component/Serializer',
        'Symfony/Component/PropertyAccess', 'Symfony/Component/PropertyInfo', 'Doctrine/DBAL'] as $package) {
        require_once "/usr/share/php/$package/autoload.php";
    }

    use App\Message\SendEmailMessage;
    use Doctrine\DBAL\DriverManager;
    use Symfony\Component\Messenger\Bridge\Doctrine\Transport\DoctrineTransport;
    use Symfony\Component\Messenger\Bridge\Doctrine\Transport\PostgreSqlConnection;
    use Symfony\Component\Messenger\MessageBus;
    use Symfony\Component\Messenger\Middleware\AddBusNameStampMiddleware;
    use Symfony\Component\Messenger\Middleware\SendMessageMiddleware;
    use Symfony\Component\Messenger\Transport\Sender\SendersLocator;
    use Symfony\Component\Messenger\Transport\Serialization\Serializer;
    use Symfony\Component\Serializer\Encoder\JsonEncoder;
    use Symfony\Component\Serializer\Normalizer\ArrayDenormalizer;
    use Symfony\Component\Serializer\Normalizer\DateTimeNormalizer;
    use Symfony\Component\Serializer\Normalizer\ObjectNormalizer;

    [, $url, $schema, $offerId] = $argv;
    $dbal = DriverManager::getConnection(['url' => $url]);
    // The test's schema; the seed's application uses the default one.
    $dbal->executeStatement(sprintf('SET search_path TO "%s"', $schema));
    $serializer = new Serializer(new \Symfony\Component\Serializer\Serializer(
        [new DateTimeNormalizer(), new ArrayDenormalizer(), new ObjectNormalizer()],
        [new JsonEncoder()],
    ));
    $high = new DoctrineTransport(
        new PostgreSqlConnection(PostgreSqlConnection::buildConfiguration('doctrine://default?queue_name=high'), $dbal),
        $serializer,
    );
    $senders = new class(['high_priority' => $high]) implements \Psr\Container\ContainerInterface {
        public function __construct(private array $senders) {}
        public function get(string $id): mixed { return $this->senders[$id]; }
        public function has(string $id): bool { return isset($this->senders[$id]); }
    };
    $bus = new MessageBus([
        new AddBusNameStampMiddleware('messenger.bus.default'),
        new SendMessageMiddleware(new SendersLocator([SendEmailMessage::class => ['high_priority']], $senders)),
    ]);
    $bus->dispatch(new SendEmailMessage((int) $offerId));
}
