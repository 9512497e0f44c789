package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
)

// DefaultMaxConns bounds one node's PostgreSQL pool: three nodes at 20 stay
// well inside Debian's default max_connections of 100, with room for psql,
// backups and a migration.
const DefaultMaxConns = 20

// MaxConnsFromEnv reads MOPSCERT_DB_MAX_CONNS (a whole number, 2 or more: the start-up lock holds one
// connection while the steps it guards use another).
func MaxConnsFromEnv() (int, error) {
	v := os.Getenv("MOPSCERT_DB_MAX_CONNS")
	if v == "" {
		return DefaultMaxConns, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 2 {
		return 0, fmt.Errorf("MOPSCERT_DB_MAX_CONNS=%q: use a whole number, 2 or more", v)
	}
	return n, nil
}

// openPostgres opens one bounded pool through pgx's database/sql driver,
// wrapped so that every statement is rebound from `?` to `$n` and booleans
// travel as the 0/1 integers both schemas store.
func openPostgres(ctx context.Context, dsn string, maxConns int) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// Scan timestamptz as UTC, as the SQLite driver does with _loc=UTC, so
	// times compare and print the same whichever store holds them.
	utc := stdlib.OptionAfterConnect(func(_ context.Context, c *pgx.Conn) error {
		c.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	})
	conn := sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg, utc)})
	conn.SetMaxOpenConns(maxConns)
	conn.SetMaxIdleConns(maxConns)
	conn.SetConnMaxIdleTime(5 * time.Minute)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("open database %s: %w", redact(cfg), err)
	}
	return conn, nil
}

// redact names the server and database without the password.
func redact(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

type rebindConnector struct{ driver.Connector }

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return rebindConn{conn.(*stdlib.Conn)}, nil
}

// rebindConn is pgx's connection with the SQL text rebound on the way in.
type rebindConn struct{ *stdlib.Conn }

func (c rebindConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(Rebind(query))
}

func (c rebindConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, Rebind(query))
}

func (c rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, Rebind(query), args)
}

func (c rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, Rebind(query), args)
}

// CheckNamedValue lets Go booleans fill the 0/1 integer columns both schemas
// keep flags in (pgx will not put a bool into a bigint), while a real
// boolean parameter, such as goose's own table has, still gets a boolean.
func (c rebindConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(bool); ok {
		nv.Value = flag(b)
	}
	return c.Conn.CheckNamedValue(nv)
}

// flag is a bool that pgx can encode as either bool or bigint.
type flag bool

func (f flag) BoolValue() (pgtype.Bool, error) { return pgtype.Bool{Bool: bool(f), Valid: true}, nil }

func (f flag) Int64Value() (pgtype.Int8, error) {
	var n int64
	if f {
		n = 1
	}
	return pgtype.Int8{Int64: n, Valid: true}, nil
}
