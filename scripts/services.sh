#!/usr/bin/env bash
# scripts/services.sh -- install, start and stop the real services that the
# Mitra test suite talks to (PostgreSQL 15, RabbitMQ) on a Debian 12 machine
# without systemd or Docker, bound to loopback only. Run it as root.
#
#   scripts/services.sh start all
#   eval "$(scripts/services.sh env)"
#   scripts/services.sh stop all
set -euo pipefail

PROG=${0##*/}

SERVICES_DIR=${MITRA_SERVICES_DIR:-/tmp/mitra-services}
PG_PORT=${PGPORT:-55432}
RMQ_PORT=${RABBITMQ_PORT:-5672}
PG_DATABASES=(mitra_test mitra)

PG_ROOT=$SERVICES_DIR/pg
PG_DATA=$PG_ROOT/data
PG_SOCKET_DIR=$PG_ROOT/run
PG_LOG=$PG_ROOT/postgres.log

RMQ_NODE=rabbit@localhost
RMQ_ROOT=$SERVICES_DIR/rabbitmq
RMQ_PID_FILE=$RMQ_ROOT/rabbit.pid
RMQ_LOG_DIR=$RMQ_ROOT/log

APT_LOG=$SERVICES_DIR/apt.log
APT_UPDATED=0
TEMP_POLICY_RC=0
PG_BIN=

usage() {
	cat <<EOF
Usage: $PROG COMMAND [SERVICE]

Install (from Debian packages, if missing), start and stop the services the
Mitra tests use. Everything listens on 127.0.0.1 only; state lives under
\$MITRA_SERVICES_DIR (default /tmp/mitra-services). start/stop need root.

Commands:
  start [postgres|rabbitmq|chromium|all]
                 start a service (default: all = postgres + rabbitmq).
                 Succeeds if it is already running. 'chromium' only installs
                 /usr/bin/chromium; there is nothing to start.
  stop [postgres|rabbitmq|all]
                 stop a service (default: all); succeeds if not running.
  env            print 'export' lines for DATABASE_URL and BROKER_URL;
                 use as:  eval "\$($PROG env)"
  -h, --help     show this help.

Environment:
  MITRA_SERVICES_DIR  state directory        (default /tmp/mitra-services)
  PGPORT              PostgreSQL port        (default 55432)
  RABBITMQ_PORT       RabbitMQ AMQP port     (default 5672)

PostgreSQL runs with trust auth (user postgres), fsync/synchronous_commit/
full_page_writes off and max_connections=200; databases: ${PG_DATABASES[*]}.
RabbitMQ runs as node $RMQ_NODE; user guest/guest.
Logs: \$MITRA_SERVICES_DIR/pg/postgres.log, \$MITRA_SERVICES_DIR/rabbitmq/log/.
EOF
}

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}
usage_error() {
	log "error: $*"
	usage >&2
	exit 2
}

cleanup() {
	if ((TEMP_POLICY_RC)); then
		rm -f /usr/sbin/policy-rc.d
	fi
}
trap cleanup EXIT

check_settings() {
	[[ $PG_PORT =~ ^[0-9]+$ ]] || die "PGPORT must be a number, got '$PG_PORT'"
	[[ $RMQ_PORT =~ ^[0-9]+$ ]] || die "RABBITMQ_PORT must be a number, got '$RMQ_PORT'"
	[[ $SERVICES_DIR == /* ]] || die "MITRA_SERVICES_DIR must be an absolute path, got '$SERVICES_DIR'"
	[[ ! $SERVICES_DIR =~ [[:space:]] ]] || die "MITRA_SERVICES_DIR must not contain whitespace"
}

# Serialise concurrent start/stop calls. Everything that may leave a daemon
# behind is run with '9>&-' so that daemon does not keep holding the lock.
take_lock() {
	((EUID == 0)) || die "start/stop must run as root (needs apt-get and runuser)"
	if [[ ! -d $SERVICES_DIR ]]; then
		install -d -m 0755 "$SERVICES_DIR"
	fi
	exec 9>"$SERVICES_DIR/.lock"
	if ! flock -n 9; then
		log "waiting for another $PROG run to finish (lock $SERVICES_DIR/.lock)"
		flock -w 600 9 || die "timed out waiting for the lock"
	fi
}

# The service users must be able to reach their folders below SERVICES_DIR.
check_reachable() {
	local user=$1
	runuser -u "$user" -- test -x "$SERVICES_DIR" ||
		die "user $user cannot enter $SERVICES_DIR (check the permissions of it and its parents)"
}

port_open() {
	# shellcheck disable=SC2016  # $0 is expanded by the inner bash
	timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	# Package scripts must not try to start services (no systemd here).
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 0755 /usr/sbin/policy-rc.d
		TEMP_POLICY_RC=1
	fi
	if ((!APT_UPDATED)); then
		log "apt-get update"
		apt-get -qq -o DPkg::Lock::Timeout=300 update >>"$APT_LOG" 2>&1 9>&- || {
			tail -n 20 "$APT_LOG" >&2
			die "apt-get update failed (full log: $APT_LOG)"
		}
		APT_UPDATED=1
	fi
	log "apt-get install $*"
	apt-get -qq -y -o DPkg::Lock::Timeout=300 install "$@" >>"$APT_LOG" 2>&1 9>&- || {
		tail -n 20 "$APT_LOG" >&2
		die "apt-get install $* failed (full log: $APT_LOG)"
	}
}

# ---------------------------------------------------------------- PostgreSQL

find_pg_bin() {
	local initdb
	initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
	if [[ -x $initdb ]]; then
		PG_BIN=${initdb%/initdb}
		return 0
	fi
	return 1
}

as_postgres() { runuser -u postgres -- "$@"; }

pg_running() {
	[[ -n $PG_BIN && -f $PG_DATA/PG_VERSION ]] &&
		as_postgres "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

pg_wait_ready() {
	local i
	for ((i = 0; i < 60; i++)); do
		if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres; then
			return 0
		fi
		sleep 0.5
	done
	return 1
}

pg_create_databases() {
	local db exists
	for db in "${PG_DATABASES[@]}"; do
		exists=$("$PG_BIN/psql" -X -q -t -A -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
			-c "SELECT 1 FROM pg_database WHERE datname = '$db'")
		if [[ $exists != 1 ]]; then
			log "postgres: creating database $db"
			"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$db"
		fi
	done
}

start_postgres() {
	local t0=$SECONDS
	if ! find_pg_bin; then
		apt_install postgresql
		find_pg_bin || die "initdb not found under /usr/lib/postgresql/*/bin after installing postgresql"
	fi
	check_reachable postgres
	install -d -o postgres -g postgres -m 0755 "$PG_ROOT" "$PG_SOCKET_DIR"
	if [[ -d $PG_DATA && $(stat -c %U "$PG_DATA") != postgres ]]; then
		chown -R postgres:postgres "$PG_DATA"
	fi

	if [[ ! -f $PG_DATA/PG_VERSION ]]; then
		log "postgres: initdb $PG_DATA"
		install -d -o postgres -g postgres -m 0700 "$PG_DATA"
		as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 \
			--locale=C.UTF-8 --no-sync >"$PG_ROOT/initdb.log" 2>&1 || {
			tail -n 20 "$PG_ROOT/initdb.log" >&2
			die "initdb failed (log: $PG_ROOT/initdb.log)"
		}
	fi

	if pg_running; then
		log "postgres: already running (data $PG_DATA)"
		pg_wait_ready || die "postgres is running from $PG_DATA but not answering on 127.0.0.1:$PG_PORT (started with another PGPORT? run '$PROG stop postgres' first)"
	else
		if port_open "$PG_PORT"; then
			die "port 127.0.0.1:$PG_PORT is already used by something else; set PGPORT"
		fi
		log "postgres: starting on 127.0.0.1:$PG_PORT"
		local opts
		opts="-c listen_addresses=127.0.0.1 -c port=$PG_PORT"
		opts+=" -c unix_socket_directories=$PG_SOCKET_DIR"
		opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
		opts+=" -c max_connections=200"
		as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -o "$opts" start \
			>"$PG_ROOT/pg_ctl.log" 2>&1 9>&- || {
			tail -n 20 "$PG_LOG" >&2 || true
			die "pg_ctl start failed (log: $PG_LOG)"
		}
		pg_wait_ready || die "postgres did not become ready on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
	fi
	pg_create_databases
	log "postgres: ready on 127.0.0.1:$PG_PORT ($((SECONDS - t0))s)"
}

stop_postgres() {
	find_pg_bin || true
	if pg_running; then
		log "postgres: stopping"
		as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null ||
			die "pg_ctl stop failed (log: $PG_LOG)"
		log "postgres: stopped"
	else
		log "postgres: not running"
	fi
}

# ------------------------------------------------------------------ RabbitMQ

rmq_installed() { [[ -x /usr/sbin/rabbitmq-server && -x /usr/sbin/rabbitmqctl ]]; }

# Must be in the environment of rabbitmq-server *and* rabbitmqctl. Debian's
# wrapper runs both as user rabbitmq via 'su' (environment kept, HOME set to
# /var/lib/rabbitmq), so both use the same /var/lib/rabbitmq/.erlang.cookie.
rmq_env() {
	export RABBITMQ_NODENAME=$RMQ_NODE
	export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
	export RABBITMQ_NODE_PORT=$RMQ_PORT
	export ERL_EPMD_ADDRESS=127.0.0.1
	export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
	export RABBITMQ_MNESIA_BASE=$RMQ_ROOT/mnesia
	export RABBITMQ_LOG_BASE=$RMQ_LOG_DIR
	export RABBITMQ_PID_FILE=$RMQ_PID_FILE
}

rmqctl() { rabbitmqctl -n "$RMQ_NODE" "$@" 9>&-; }

# Prints the pid of our running node, fails if it is not running.
rmq_pid() {
	local pid
	[[ -s $RMQ_PID_FILE ]] || return 1
	pid=$(<"$RMQ_PID_FILE")
	[[ $pid =~ ^[0-9]+$ && -r /proc/$pid/comm ]] || return 1
	[[ $(<"/proc/$pid/comm") == beam* ]] || return 1
	printf '%s\n' "$pid"
}

rmq_wait_port() {
	local i
	for ((i = 0; i < 120; i++)); do
		if port_open "$RMQ_PORT"; then
			return 0
		fi
		sleep 0.5
	done
	return 1
}

start_rabbitmq() {
	local t0=$SECONDS pid out
	if ! rmq_installed; then
		apt_install rabbitmq-server
		rmq_installed || die "rabbitmq-server not found after installing it"
	fi
	check_reachable rabbitmq
	install -d -o rabbitmq -g rabbitmq -m 0755 "$RMQ_ROOT" "$RMQ_ROOT/mnesia" "$RMQ_LOG_DIR"
	rmq_env

	if pid=$(rmq_pid); then
		log "rabbitmq: already running (pid $pid)"
		if ! port_open "$RMQ_PORT"; then
			# Perhaps still booting (another run started it a moment ago).
			out=$(rmqctl wait --timeout 90 "$RMQ_PID_FILE" 2>&1) || {
				printf '%s\n' "$out" >&2
				die "rabbitmq node $RMQ_NODE is not answering"
			}
		fi
	else
		if port_open "$RMQ_PORT"; then
			die "port 127.0.0.1:$RMQ_PORT is already used by something else; set RABBITMQ_PORT"
		fi
		rm -f "$RMQ_PID_FILE"
		log "rabbitmq: starting $RMQ_NODE on 127.0.0.1:$RMQ_PORT"
		rabbitmq-server -detached >"$RMQ_LOG_DIR/detached.log" 2>&1 9>&- || {
			cat "$RMQ_LOG_DIR/detached.log" >&2
			die "rabbitmq-server -detached failed"
		}
		out=$(rmqctl wait --timeout 90 "$RMQ_PID_FILE" 2>&1) || {
			printf '%s\n' "$out" >&2
			tail -n 30 "$RMQ_LOG_DIR/$RMQ_NODE.log" >&2 2>/dev/null || true
			die "rabbitmq did not boot (logs: $RMQ_LOG_DIR)"
		}
	fi
	rmq_wait_port || die "rabbitmq AMQP port 127.0.0.1:$RMQ_PORT did not open within 60 s (logs: $RMQ_LOG_DIR)"
	log "rabbitmq: ready on 127.0.0.1:$RMQ_PORT ($((SECONDS - t0))s)"
}

stop_rabbitmq() {
	local pid i out
	if rmq_installed && pid=$(rmq_pid); then
		log "rabbitmq: stopping (pid $pid)"
		rmq_env
		if ! out=$(rmqctl stop "$RMQ_PID_FILE" 2>&1); then
			printf '%s\n' "$out" >&2
			log "rabbitmq: rabbitmqctl stop failed; sending SIGTERM to $pid"
			kill -TERM "$pid" 2>/dev/null || true
			for ((i = 0; i < 120; i++)); do
				[[ -d /proc/$pid ]] || break
				sleep 0.5
			done
			[[ ! -d /proc/$pid ]] || die "rabbitmq (pid $pid) did not exit"
		fi
		rm -f "$RMQ_PID_FILE"
		log "rabbitmq: stopped"
	else
		log "rabbitmq: not running"
	fi
}

# ------------------------------------------------------------------ Chromium

start_chromium() {
	if [[ ! -x /usr/bin/chromium ]]; then
		apt_install chromium
	fi
	[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium missing after installing chromium"
	log "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo '/usr/bin/chromium')"
}

# ---------------------------------------------------------------------- main

print_env() {
	printf 'export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:%s/mitra_test\n' "$PG_PORT"
	printf 'export BROKER_URL=amqp://guest:guest@127.0.0.1:%s//\n' "$RMQ_PORT"
}

main() {
	local cmd=${1:-} target
	case $cmd in
	-h | --help | help)
		usage
		return 0
		;;
	"") usage_error "missing command" ;;
	esac
	check_settings
	case $cmd in
	start)
		(($# <= 2)) || usage_error "too many arguments"
		target=${2:-all}
		case $target in
		postgres | rabbitmq | chromium | all) ;;
		*) usage_error "unknown service '$target'" ;;
		esac
		take_lock
		case $target in
		postgres) start_postgres ;;
		rabbitmq) start_rabbitmq ;;
		chromium) start_chromium ;;
		all)
			start_postgres
			start_rabbitmq
			;;
		esac
		;;
	stop)
		(($# <= 2)) || usage_error "too many arguments"
		target=${2:-all}
		case $target in
		postgres | rabbitmq | all) ;;
		*) usage_error "unknown service '$target'" ;;
		esac
		take_lock
		case $target in
		postgres) stop_postgres ;;
		rabbitmq) stop_rabbitmq ;;
		all)
			stop_rabbitmq
			stop_postgres
			;;
		esac
		;;
	env)
		(($# == 1)) || usage_error "'env' takes no arguments"
		print_env
		;;
	*) usage_error "unknown command '$cmd'" ;;
	esac
}

main "$@"
