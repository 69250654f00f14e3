#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis and RabbitMQ answer on their standard local ports: starts them when
# they are down and installs them (Debian packages) when they are missing and we may install. Installs the
# prometheus binary too (never its service), and Chromium for the browser tests.
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
exit 0
