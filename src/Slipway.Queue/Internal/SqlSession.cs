using System.Data.Common;

namespace Slipway.Queue.Internal;

/// <summary>
/// One transaction on one connection; disposing rolls back what was not committed and gives the connection back.
/// <paramref name="commands"/>, when given, makes the commands (SQLite: kept prepared per SQL text).
/// </summary>
internal sealed class SqlSession(
    DbConnection connection, DbTransaction transaction, Func<ValueTask> release, Func<string, DbCommand>? commands = null) : IAsyncDisposable
{
    public DbConnection Connection => connection;

    public DbTransaction Transaction => transaction;

    public DbCommand Command(string sql)
    {
        if (commands is not null)
        {
            return commands(sql);
        }

        var command = connection.CreateCommand();
#pragma warning disable CA2100 // the SQL is the engines' own text; values always travel as parameters
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = transaction;
        return command;
    }

    public Task CommitAsync(CancellationToken ct) => transaction.CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await release();
    }
}
