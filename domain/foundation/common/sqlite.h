// A thin layer over the SQLite C API for the foundation stores: a database
// handle opened the way every store wants it (WAL, busy timeout), prepared
// statements, and SQLite failures turned into twirp::Error values.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "twirpcpp/error.h"
#include "twirpcpp/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace foundation::sqlite {

// A prepared statement, reused for the life of its Database. Bind, step, and
// read columns through a Query, which resets the statement when it goes away.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3_stmt* stmt, std::string_view store) : stmt_(stmt), store_(store) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

 private:
  friend class Query;
  sqlite3_stmt* stmt_ = nullptr;
  std::string_view store_;  // for error messages; the Database outlives us
};

// One execution of a Statement. Parameter indexes are 1-based, columns 0-based.
class Query {
 public:
  explicit Query(Statement& statement) : stmt_(statement.stmt_), store_(statement.store_) {}
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& Bind(int index, std::int64_t value);
  Query& Bind(int index, std::string_view value);      // copied by SQLite
  Query& BindBlob(int index, std::string_view bytes);  // bytes, not text; copied by SQLite
  // Binds ids as a JSON array text, for `IN (SELECT value FROM json_each(?))`:
  // one prepared statement serves batches of any size.
  Query& BindIds(int index, std::span<const std::int64_t> ids);

  // true with a row to read, false when done.
  twirp::Result<bool> Step();
  // Steps to the end, for statements that return no rows.
  twirp::Result<void> Run();
  // Steps to the end of a query whose column 0 is an id and returns the ids of
  // `asked` it produced, each once, in the order asked ("which of these ...").
  twirp::Result<std::vector<std::int64_t>> IdsAmong(std::span<const std::int64_t> asked);

  std::int64_t Int64(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;

 private:
  twirp::Error BindError() const;

  sqlite3_stmt* stmt_;
  std::string_view store_;
  int bind_rc_ = 0;  // the first failed bind, reported by Step()
};

class Database;

// A store's tables: `sql` creates them as they are at `version` (the database's
// PRAGMA user_version), and `migrate` brings a database written by an older
// build (1 <= from < version) up to them. Data directories outlive builds (the
// reference system keeps its own across restarts), so a store that changes its
// tables raises `version` and says how to get there.
struct Schema {
  std::string sql;
  std::int64_t version = 1;
  std::function<twirp::Result<void>(Database& db, std::int64_t from)> migrate;
};

// One SQLite connection. Not thread-safe: the stores serialize access.
class Database {
 public:
  // Opens (creating if needed) the file at `path` in WAL mode with a busy
  // timeout. `store` names the owner in error messages ("likes store").
  static twirp::Result<std::unique_ptr<Database>> Open(const std::string& path, std::string store);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows (schema, pragmas).
  twirp::Result<void> Exec(const std::string& sql);
  twirp::Result<Statement> Prepare(std::string_view sql);

  // PRAGMA user_version: 0 for a database no store has initialised yet.
  twirp::Result<std::int64_t> UserVersion();

  // Gives a new database (user_version 0) `schema.sql`, runs `prepare` (the
  // store's statements need the tables) and `populate`, and sets user_version
  // to `schema.version`, all in one transaction, so that a crash never leaves a
  // half-created store behind. An older version is migrated, then prepared, in
  // one transaction too; the current version only gets `prepare`. Returns
  // whether the database was new; a version above `schema.version` is an error
  // (a newer build's database).
  twirp::Result<bool> EnsureSchema(const Schema& schema,
                                   const std::function<twirp::Result<void>()>& prepare,
                                   const std::function<twirp::Result<void>()>& populate);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t Changes() const;

  // Runs `body` in one write transaction (BEGIN IMMEDIATE): committed if it
  // succeeds, rolled back otherwise.
  twirp::Result<void> Transaction(const std::function<twirp::Result<void>()>& body);

  const std::string& store() const { return store_; }

 private:
  Database(sqlite3* db, std::string store) : db_(db), store_(std::move(store)) {}
  // A new database's tables (from 0), or an older version's migrated.
  twirp::Result<void> WriteTables(const Schema& schema, std::int64_t from);
  sqlite3* db_;
  std::string store_;
};

// How every store opens: its database at `path`, the schema created in one
// transaction when the file is new (and then filled by `populate`), and the
// store's statements prepared. A Store befriends StoreOpener and has a
// constructor from its Database, PrepareStatements(), and the members db_
// (the Database) and created_ (whether the file was new).
struct StoreOpener {
  template <class Store>
  static twirp::Result<std::unique_ptr<Store>> Open(
      const std::string& path, std::string store_name, const Schema& schema,
      const std::function<twirp::Result<void>(Store&)>& populate) {
    auto db = Database::Open(path, std::move(store_name));
    if (!db.ok()) return std::move(db).error();
    std::unique_ptr<Store> store(new Store(std::move(*db)));
    auto created = store->db_->EnsureSchema(
        schema, [&] { return store->PrepareStatements(); },
        [&] { return populate ? populate(*store) : twirp::Ok(); });
    if (!created.ok()) return std::move(created).error();
    store->created_ = *created;
    return store;
  }
};

// The twirp::Error for a failed SQLite call: unavailable when the database is
// busy or locked (a retry may succeed), internal otherwise. The SQLite message
// goes in the cause, which is never sent to clients.
twirp::Error ErrorFromCode(int rc, std::string_view store, std::string_view what,
                           const char* detail);

}  // namespace foundation::sqlite
