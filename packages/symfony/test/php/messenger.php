<?php
// A small Symfony Messenger 5.4 application for the interoperability tests, driven by argv:
//
//   php messenger.php <config.json> dispatch <transport> <message JSON> [delay ms] [tenant]
//   php messenger.php <config.json> consume <transport> <message limit> <time limit s>
//   php messenger.php <config.json> failed-show
//   php messenger.php <config.json> setup <transport>
//   php messenger.php <config.json> count <transport>   (Symfony's getMessageCount(): what it can take now)
//
// The config names the transports (redis or doctrine DSNs and options), the failure transport and
// the ledger file the handler appends one JSON line to per handled message. The handler throws for
// a message whose "to" starts with "fail".

require __DIR__.'/bootstrap.php';

use App\Message\RebuildSearchIndexMessage;
use App\Message\SendEmailMessage;
use App\Stamp\TenantStamp;
use Doctrine\DBAL\DriverManager;
use Symfony\Component\Console\Application;
use Symfony\Component\Console\Tester\CommandTester;
use Symfony\Component\EventDispatcher\EventDispatcher;
use Symfony\Component\Messenger\Bridge\Doctrine\Transport\DoctrineTransport;
use Symfony\Component\Messenger\Bridge\Doctrine\Transport\PostgreSqlConnection;
use Symfony\Component\Messenger\Bridge\Redis\Transport\Connection as RedisConnection;
use Symfony\Component\Messenger\Bridge\Redis\Transport\RedisTransport;
use Symfony\Component\Messenger\Command\FailedMessagesShowCommand;
use Symfony\Component\Messenger\Envelope;
use Symfony\Component\Messenger\EventListener\AddErrorDetailsStampListener;
use Symfony\Component\Messenger\EventListener\SendFailedMessageForRetryListener;
use Symfony\Component\Messenger\EventListener\SendFailedMessageToFailureTransportListener;
use Symfony\Component\Messenger\EventListener\StopWorkerOnMessageLimitListener;
use Symfony\Component\Messenger\EventListener\StopWorkerOnTimeLimitListener;
use Symfony\Component\Messenger\Handler\HandlersLocator;
use Symfony\Component\Messenger\MessageBus;
use Symfony\Component\Messenger\Middleware\AddBusNameStampMiddleware;
use Symfony\Component\Messenger\Middleware\HandleMessageMiddleware;
use Symfony\Component\Messenger\Middleware\SendMessageMiddleware;
use Symfony\Component\Messenger\Retry\MultiplierRetryStrategy;
use Symfony\Component\Messenger\Stamp\DelayStamp;
use Symfony\Component\Messenger\Stamp\RedeliveryStamp;
use Symfony\Component\Messenger\Transport\Sender\SendersLocator;
use Symfony\Component\Messenger\Transport\Serialization\Serializer;
use Symfony\Component\Messenger\Worker;
use Symfony\Component\Serializer\Encoder\JsonEncoder;
use Symfony\Component\Serializer\Normalizer\ArrayDenormalizer;
use Symfony\Component\Serializer\Normalizer\DateTimeNormalizer;
use Symfony\Component\Serializer\Normalizer\ObjectNormalizer;
use Symfony\Contracts\Service\ServiceProviderInterface;

final class Services implements ServiceProviderInterface
{
    public function getProvidedServices(): array
    {
        return array_map(fn ($service) => get_class($service), $this->services);
    }

    public function __construct(private array $services)
    {
    }

    public function get(string $id): mixed
    {
        return $this->services[$id] ?? throw new \RuntimeException("No service \"$id\".");
    }

    public function has(string $id): bool
    {
        return isset($this->services[$id]);
    }
}

[, $configFile, $command] = $argv;
$config = json_decode(file_get_contents($configFile), true, 512, JSON_THROW_ON_ERROR);

// Serializer::create() minus the XML encoder (Debian's php-xml is not needed for JSON).
$serializer = new Serializer(new \Symfony\Component\Serializer\Serializer(
    [new DateTimeNormalizer(), new ArrayDenormalizer(), new ObjectNormalizer()],
    [new JsonEncoder()],
));

$transports = [];
foreach ($config['transports'] as $name => $transport) {
    if ('redis' === $transport['type']) {
        $transports[$name] = new RedisTransport(RedisConnection::fromDsn($transport['dsn'], $transport['options'] ?? []), $serializer);
    } else {
        $dbal = DriverManager::getConnection(['url' => $transport['dsn']]);
        $options = PostgreSqlConnection::buildConfiguration('doctrine://default', $transport['options'] ?? []);
        $transports[$name] = new DoctrineTransport(new PostgreSqlConnection($options, $dbal), $serializer);
    }
}
$locator = new Services($transports);
$failureTransport = $config['failureTransport'];

$handler = function (object $message) use ($config): void {
    $line = ['side' => 'php', 'class' => get_class($message)] + get_object_vars($message);
    file_put_contents($config['ledger'], json_encode($line)."\n", FILE_APPEND | LOCK_EX);
    if ($message instanceof SendEmailMessage && str_starts_with($message->to, 'fail')) {
        throw new \RuntimeException("SMTP refused {$message->to} (PHP)");
    }
};
$target = $argv[3] ?? 'jobs';
$bus = new MessageBus([
    new AddBusNameStampMiddleware('messenger.bus.default'),
    new SendMessageMiddleware(new SendersLocator(
        [SendEmailMessage::class => [$target], RebuildSearchIndexMessage::class => [$target]],
        $locator,
    )),
    new HandleMessageMiddleware(new HandlersLocator([
        SendEmailMessage::class => [$handler],
        RebuildSearchIndexMessage::class => [$handler],
    ])),
]);

switch ($command) {
    case 'setup':
        $transports[$argv[3]]->setup();
        break;

    case 'count':
        echo $transports[$argv[3]]->getMessageCount();
        break;

    case 'dispatch':
        $fields = json_decode($argv[4], true, 512, JSON_THROW_ON_ERROR);
        $message = isset($fields['index']) ? new RebuildSearchIndexMessage($fields['index']) : new SendEmailMessage(...$fields);
        $stamps = [];
        if (($argv[5] ?? '0') !== '0') {
            $stamps[] = new DelayStamp((int) $argv[5]);
        }
        if (isset($argv[6])) {
            $stamps[] = new TenantStamp($argv[6]);
        }
        $bus->dispatch(new Envelope($message, $stamps));
        break;

    case 'consume':
        $dispatcher = new EventDispatcher();
        $retryStrategies = new Services(array_fill_keys(array_keys($transports), new MultiplierRetryStrategy(1, 100, 1)));
        $dispatcher->addSubscriber(new SendFailedMessageForRetryListener($locator, $retryStrategies));
        $dispatcher->addSubscriber(new SendFailedMessageToFailureTransportListener(
            new Services(array_fill_keys(array_keys($transports), $transports[$failureTransport])),
        ));
        $dispatcher->addSubscriber(new AddErrorDetailsStampListener());
        $dispatcher->addSubscriber(new StopWorkerOnMessageLimitListener((int) $argv[4]));
        $dispatcher->addSubscriber(new StopWorkerOnTimeLimitListener((int) $argv[5]));
        $worker = new Worker([$argv[3] => $transports[$argv[3]]], $bus, $dispatcher);
        $worker->run(['sleep' => 50000]);
        break;

    case 'failed-show':
        $show = new FailedMessagesShowCommand($failureTransport, new Services([$failureTransport => $transports[$failureTransport]]));
        $application = new Application();
        $application->add($show);
        $tester = new CommandTester($show);
        $tester->execute([], ['verbosity' => \Symfony\Component\Console\Output\OutputInterface::VERBOSITY_NORMAL, 'decorated' => false]);
        echo $tester->getDisplay();
        exit($tester->getStatusCode());

    default:
        fwrite(STDERR, "Unknown command \"$command\".\n");
        exit(2);
}
