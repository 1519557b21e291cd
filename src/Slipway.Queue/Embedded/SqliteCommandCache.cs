using Microsoft.Data.Sqlite;

namespace Slipway.Queue.Embedded;

/// <summary>
/// The engine's commands kept prepared, one per SQL text: Microsoft.Data.Sqlite prepares a statement per command
/// object, and a lease or an ack re-parsed and re-planned its statements (and the counting triggers compiled into
/// them) every time, which was most of SQLite's CPU per job. Only the engine's single connection uses it, one
/// transaction at a time (the engine's gate), so there are no locks; a text asked for while its command is still in
/// use gets a plain command.
/// </summary>
internal sealed class SqliteCommandCache(SqliteConnection connection) : IDisposable
{
    // The engine's texts are a few dozen; texts built from lists of ids (delete, replay) vary, and are not kept past this.
    private const int MaxKept = 64;

    private readonly Dictionary<string, KeptCommand> _kept = new(StringComparer.Ordinal);

    public SqliteCommand Get(string sql, SqliteTransaction transaction)
    {
        if (sql.Length == 0 || (!_kept.TryGetValue(sql, out var command) && _kept.Count >= MaxKept) || command is { InUse: true })
        {
            var plain = connection.CreateCommand();
#pragma warning disable CA2100 // the SQL is the engine's own text; values always travel as parameters
            plain.CommandText = sql;
#pragma warning restore CA2100
            plain.Transaction = transaction;
            return plain;
        }

        if (command is null)
        {
            command = new KeptCommand(sql, connection);
            _kept[sql] = command;
        }

        command.InUse = true;
        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _kept.Values)
        {
            command.Release();
        }

        _kept.Clear();
    }

    /// <summary>A command whose Dispose only hands it back (parameters cleared, statements kept) until the cache releases it.</summary>
    private sealed class KeptCommand : SqliteCommand
    {
        private bool _released;

        public KeptCommand(string sql, SqliteConnection connection)
            : base(sql, connection)
        {
        }

        public bool InUse { get; set; }

        public void Release()
        {
            _released = true;
            Dispose();
        }

#pragma warning disable CA2215 // on purpose: disposing hands the command back; the cache's Release disposes it for real
        public override ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        protected override void Dispose(bool disposing)
        {
            if (_released || !disposing)
            {
                base.Dispose(disposing);
                return;
            }

            Parameters.Clear();
            Transaction = null;
            InUse = false;
        }
#pragma warning restore CA2215
    }
}
