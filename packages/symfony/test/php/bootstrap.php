<?php
// Loads Symfony Messenger 5.4 as Debian packages it (no Composer: each package ships an
// autoload.php under /usr/share/php) and the application classes both sides share.
error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);

foreach ([
    'Symfony/Component/Messenger',
    'Symfony/Component/Messenger/Bridge/Doctrine',
    'Symfony/Component/Messenger/Bridge/Redis',
    'Symfony/Component/Serializer',
    'Symfony/Component/PropertyAccess',
    'Symfony/Component/PropertyInfo',
    'Symfony/Component/EventDispatcher',
    'Symfony/Component/Console',
    'Symfony/Contracts/Service',
    'Doctrine/DBAL',
] as $package) {
    $autoload = "/usr/share/php/$package/autoload.php";
    if (is_file($autoload)) {
        require_once $autoload;
    }
}

require_once __DIR__.'/App.php';
