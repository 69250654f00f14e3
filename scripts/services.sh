#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis, MariaDB and RabbitMQ answer on their standard local ports: starts them
# when they are down and installs them (Debian packages) when they are missing and we may install.
# Installs the prometheus binary too (never its service), Chromium for the browser tests, and PHP with
# Symfony Messenger 5.4 for the Symfony interoperability tests.
set -uo pipefail

pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }
rabbitmq_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
wait_for() { for _ in $(seq 1 30); do "$1" && return 0; sleep 1; done; return 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

if ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "services: installing PostgreSQL"
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
  fi
  echo "services: starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  wait_for pg_up || echo "services: PostgreSQL did not come up on 127.0.0.1:5432" >&2
fi
if pg_up && command -v psql >/dev/null; then
  # Tests connect as the current user to database "test" (trust auth on these machines).
  as_root su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='$(id -un)'\" | grep -q 1 || createuser -s $(id -un)" 2>/dev/null || true
  as_root su postgres -c "psql -qtAc \"select 1 from pg_database where datname='test'\" | grep -q 1 || createdb test" 2>/dev/null || true
fi

if ! redis_up; then
  if ! command -v redis-server >/dev/null; then
    echo "services: installing Redis"
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
  fi
  echo "services: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
  wait_for redis_up || echo "services: Redis did not come up on 127.0.0.1:6379" >&2
fi

# MariaDB for the MySQL transport: root without a password over TCP, database "test". The tests of
# a server restart start a mariadbd of their own; this one is shared and never restarted.
mariadb_up() { (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; }
if ! mariadb_up; then
  if [ ! -x /usr/sbin/mariadbd ]; then
    echo "services: installing MariaDB"
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq mariadb-server >/dev/null
  fi
  echo "services: starting MariaDB"
  as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 --port=3306 || true
  wait_for mariadb_up || echo "services: MariaDB did not come up on 127.0.0.1:3306" >&2
fi
if mariadb_up && command -v mariadb >/dev/null; then
  # Debian's root logs in through the unix socket only; the tests connect over TCP without a
  # password. Changed only on a server where that login fails (a fresh install of this script's).
  if ! mariadb -h127.0.0.1 -uroot -e "SELECT 1" >/dev/null 2>&1; then
    as_root mariadb -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')" 2>/dev/null || true
  fi
  mariadb -h127.0.0.1 -uroot -e "CREATE DATABASE IF NOT EXISTS test" 2>/dev/null || true
fi

# The AMQP transport's tests use the broker with guest/guest on 127.0.0.1:5672 (RabbitMQ's default
# user, allowed from loopback), and start private nodes of their own from the same package.
if ! rabbitmq_up; then
  if ! command -v rabbitmq-server >/dev/null; then
    echo "services: installing RabbitMQ"
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq rabbitmq-server >/dev/null
  fi
  if ! rabbitmq_up; then
    echo "services: starting RabbitMQ"
    as_root rabbitmq-server -detached >/dev/null 2>&1 || true
    # An Erlang node takes a while to boot on a busy machine.
    for _ in $(seq 1 120); do rabbitmq_up && break; sleep 1; done
    rabbitmq_up || echo "services: RabbitMQ did not come up on 127.0.0.1:5672" >&2
  fi
fi

# The metrics test starts its own Prometheus (a private port, config and storage); it only needs the
# binary. The package's service is never started: a policy-rc.d refuses it during the install.
if ! command -v prometheus >/dev/null; then
  echo "services: installing Prometheus (binary only; its system service stays stopped)"
  policy=/usr/sbin/policy-rc.d
  made_policy=false
  if [ ! -e "$policy" ] && as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"; then
    made_policy=true
  fi
  { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends prometheus >/dev/null; } ||
    echo "services: could not install prometheus; the Prometheus tests will be skipped (or fail under CI=true)" >&2
  if $made_policy; then as_root rm -f "$policy"; fi
fi
# The dashboard's browser tests drive Debian's Chromium (/usr/bin/chromium) through playwright-core,
# which downloads no browser of its own.
if [ ! -x /usr/bin/chromium ]; then
  echo "services: installing Chromium (for the dashboard's browser tests)"
  { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null; } ||
    echo "services: could not install chromium; the browser tests will be skipped (or fail under CI=true)" >&2
fi
# The Symfony interoperability tests (@messenger-ts/symfony) run a PHP application on Symfony
# Messenger 5.4 from Debian's packages (no Composer: each package ships an autoload.php).
if ! php -r "require '/usr/share/php/Symfony/Component/Console/autoload.php'; require '/usr/share/php/Symfony/Component/Messenger/Bridge/Redis/autoload.php';" >/dev/null 2>&1; then
  echo "services: installing PHP and Symfony Messenger 5.4 (for the Symfony interoperability tests)"
  { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
      php-cli php-pgsql php-redis php-symfony-messenger php-symfony-doctrine-messenger \
      php-symfony-redis-messenger php-doctrine-dbal php-doctrine-persistence php-symfony-event-dispatcher \
      php-symfony-serializer php-symfony-property-access php-symfony-console >/dev/null; } ||
    echo "services: could not install PHP; the Symfony interoperability tests will be skipped (or fail under CI=true)" >&2
fi
exit 0
