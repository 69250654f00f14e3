<?php
// Symfony Messenger 5.4's Doctrine transport on MySQL/MariaDB, from Debian's packages
// (php-symfony-messenger, php-symfony-doctrine-messenger, php-doctrine-dbal, php-mysql): the peer
// of messenger-mysql. `php doctrine-mysql.php <mysql-url> <jobs>` enqueues <jobs> messages, then
// one worker (Symfony's Worker: one message per claim) handles them all; it prints one JSON line
// with the enqueue and processing rates.

declare(strict_types=1);

require_once '/usr/share/php/Symfony/Component/Messenger/autoload.php';
require_once '/usr/share/php/Symfony/Component/Messenger/Bridge/Doctrine/autoload.php';
require_once '/usr/share/php/Doctrine/DBAL/autoload.php';

use Doctrine\DBAL\DriverManager;
use Symfony\Component\EventDispatcher\EventDispatcher;
use Symfony\Component\Messenger\Bridge\Doctrine\Transport\Connection;
use Symfony\Component\Messenger\Bridge\Doctrine\Transport\DoctrineTransport;
use Symfony\Component\Messenger\Envelope;
use Symfony\Component\Messenger\Event\WorkerRunningEvent;
use Symfony\Component\Messenger\Handler\HandlersLocator;
use Symfony\Component\Messenger\MessageBus;
use Symfony\Component\Messenger\Middleware\HandleMessageMiddleware;
use Symfony\Component\Messenger\Transport\Serialization\PhpSerializer;
use Symfony\Component\Messenger\Worker;

final class BenchJob
{
    public function __construct(public int $id, public float $sentAt) {}
}

[$script, $url, $jobs] = $argv + [null, 'mysql://root@127.0.0.1:3306/bench_symfony_doctrine', '2000'];
$jobs = (int) $jobs;
$dbal = DriverManager::getConnection(['url' => str_replace('mysql://', 'pdo-mysql://', $url)]);
$connection = new Connection(['table_name' => 'messenger_messages', 'queue_name' => 'default', 'redeliver_timeout' => 3600, 'auto_setup' => true], $dbal);
$transport = new DoctrineTransport($connection, new PhpSerializer());
$transport->setup();
$dbal->executeStatement('DELETE FROM messenger_messages');

$handled = 0;
$bus = new MessageBus([new HandleMessageMiddleware(new HandlersLocator([
    BenchJob::class => [function (BenchJob $job) use (&$handled) {
        $handled++;
    }],
]))]);

function drain(DoctrineTransport $transport, MessageBus $bus, int &$handled, int $target): void
{
    $dispatcher = new EventDispatcher();
    $dispatcher->addListener(WorkerRunningEvent::class, function (WorkerRunningEvent $event) use (&$handled, $target) {
        if ($handled >= $target) $event->getWorker()->stop();
    });
    (new Worker(['default' => $transport], $bus, $dispatcher))->run(['sleep' => 10_000]);
}

// Enqueue all, one send each (Symfony has no bulk send), then one worker drains them; its idle
// sleep is 10 ms instead of 1 s, which only matters once the queue is empty.
$start = microtime(true);
for ($i = 0; $i < $jobs; $i++) $transport->send(new Envelope(new BenchJob($i, microtime(true) * 1000)));
$enqueueSeconds = microtime(true) - $start;
$start = microtime(true);
drain($transport, $bus, $handled, $jobs);
$processSeconds = microtime(true) - $start;

printf("%s\n", json_encode([
    'system' => 'symfony-doctrine-mysql',
    'jobs' => $jobs,
    'enqueue_per_s' => round($jobs / $enqueueSeconds),
    'process_per_s' => round($jobs / $processSeconds),
]));
