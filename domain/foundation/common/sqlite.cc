#include "sqlite.h"

#include <sqlite3.h>

#include <unordered_set>
#include <utility>

namespace foundation::sqlite {

namespace {
constexpr int kBusyTimeoutMs = 5000;
}

twirp::Error ErrorFromCode(int rc, std::string_view store, std::string_view what,
                           const char* detail) {
  const int primary = rc & 0xff;
  std::string msg = std::string(store) + ": " + std::string(what) + " failed";
  std::string cause = std::string(sqlite3_errstr(rc)) + (detail ? std::string(": ") + detail : "");
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return twirp::UnavailableError(std::move(msg) + " (database busy)").WithCause(std::move(cause));
  }
  return twirp::InternalError(std::move(msg)).WithCause(std::move(cause));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), store_(other.store_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    store_ = other.store_;
  }
  return *this;
}

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Query& Query::Bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::Bind(int index, std::string_view value) {
  const int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::BindBlob(int index, std::string_view bytes) {
  const int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::BindIds(int index, std::span<const std::int64_t> ids) {
  std::string json = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) json += ',';
    json += std::to_string(ids[i]);
  }
  json += ']';
  return Bind(index, json);
}

twirp::Error Query::BindError() const {
  return ErrorFromCode(bind_rc_, store_, "binding a parameter", sqlite3_sql(stmt_));
}

twirp::Result<bool> Query::Step() {
  if (bind_rc_ != SQLITE_OK) return BindError();
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return ErrorFromCode(rc, store_, "query", sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

twirp::Result<void> Query::Run() {
  while (true) {
    auto row = Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) return twirp::Ok();
  }
}

twirp::Result<std::vector<std::int64_t>> Query::IdsAmong(std::span<const std::int64_t> asked) {
  std::unordered_set<std::int64_t> produced;
  while (true) {
    auto row = Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    produced.insert(Int64(0));
  }
  std::vector<std::int64_t> in_order;
  for (const std::int64_t id : asked) {
    // erase() doubles as "each once" for repeated ids.
    if (produced.erase(id) > 0) in_order.push_back(id);
  }
  return in_order;
}

std::int64_t Query::Int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Query::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Query::Blob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  if (blob == nullptr) return {};
  return std::string(static_cast<const char*>(blob),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

twirp::Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                        std::string store) {
  sqlite3* db = nullptr;
  // NOMUTEX: the stores serialize access to their connection themselves.
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    auto error = ErrorFromCode(rc, store, "opening " + path, detail.c_str());
    // A database that cannot be opened will not open on a retry either.
    return twirp::InternalError(error.msg()).WithCause(error.cause());
  }
  std::unique_ptr<Database> database(new Database(db, std::move(store)));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // WAL: readers in other processes (sqlite3 CLI, backups) never block writers.
  // NORMAL sync is durable across process crashes, which is what a service needs.
  if (auto r = database->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !r.ok()) {
    return std::move(r).error();
  }
  return database;
}

Database::~Database() { sqlite3_close_v2(db_); }

twirp::Result<void> Database::Exec(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    auto error = ErrorFromCode(rc, store_, "statement", message);
    sqlite3_free(message);
    return error;
  }
  return twirp::Ok();
}

twirp::Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK)
    return ErrorFromCode(rc, store_, "preparing a statement", sqlite3_errmsg(db_));
  return Statement(stmt, store_);
}

twirp::Result<std::int64_t> Database::UserVersion() {
  auto stmt = Prepare("PRAGMA user_version");
  if (!stmt.ok()) return std::move(stmt).error();
  Query query(*stmt);
  auto row = query.Step();
  if (!row.ok()) return std::move(row).error();
  return *row ? query.Int64(0) : 0;
}

twirp::Result<bool> Database::EnsureSchema(const Schema& schema,
                                           const std::function<twirp::Result<void>()>& prepare,
                                           const std::function<twirp::Result<void>()>& populate) {
  auto version = UserVersion();
  if (!version.ok()) return std::move(version).error();
  if (*version == schema.version) {
    if (auto r = prepare(); !r.ok()) return std::move(r).error();
    return false;
  }
  if (*version < 0 || *version > schema.version) {
    return twirp::InternalError(store_ + ": unknown schema version " + std::to_string(*version));
  }
  const bool create = *version == 0;
  auto done = Transaction([&]() -> twirp::Result<void> {
    // Another process may have created or migrated it between our check and
    // BEGIN IMMEDIATE.
    auto again = UserVersion();
    if (!again.ok()) return std::move(again).error();
    if (*again != *version) {
      return twirp::UnavailableError(store_ + ": database " + (create ? "created" : "migrated") +
                                     " concurrently; retry");
    }
    if (auto r = WriteTables(schema, *version); !r.ok()) return r;
    if (auto r = prepare(); !r.ok()) return r;
    if (create) {
      if (auto r = populate(); !r.ok()) return r;
    }
    return Exec("PRAGMA user_version = " + std::to_string(schema.version));
  });
  if (!done.ok()) return std::move(done).error();
  return create;
}

twirp::Result<void> Database::WriteTables(const Schema& schema, std::int64_t from) {
  if (from == 0) return Exec(schema.sql);
  if (!schema.migrate) {
    return twirp::InternalError(store_ + ": no migration from version " + std::to_string(from));
  }
  return schema.migrate(*this, from);
}

std::int64_t Database::Changes() const { return sqlite3_changes64(db_); }

twirp::Result<void> Database::Transaction(const std::function<twirp::Result<void>()>& body) {
  if (auto r = Exec("BEGIN IMMEDIATE"); !r.ok()) return r;
  twirp::Result<void> result = body();
  if (result.ok()) result = Exec("COMMIT");
  if (!result.ok()) {
    // Best effort: the error already says what went wrong.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return result;
}

}  // namespace foundation::sqlite
