using System.Data.Common;
using System.Text;

namespace Slipway.Queue.Internal;

/// <summary>Parameters and reads for the engines' ADO.NET commands.</summary>
internal static class SqlCommands
{
    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        if (value is null or string)
        {
            // A typed null: PostgreSQL cannot infer a type for an untyped one in every position.
            parameter.DbType = System.Data.DbType.String;
        }

        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>"@p0, @p1, …" for an IN list, with the parameters added.</summary>
    public static string InList(this DbCommand command, string prefix, IReadOnlyList<long> values)
    {
        var text = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            var name = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            text.Append(i == 0 ? "@" : ", @").Append(name);
            command.With(name, values[i]);
        }

        return text.ToString();
    }

    /// <summary>Adds a statement with the command's text and a copy of its parameters' current values.</summary>
    public static void AddCopyOf(this DbBatch batch, DbCommand template)
    {
        var statement = batch.CreateBatchCommand();
        statement.CommandText = template.CommandText;
        foreach (DbParameter source in template.Parameters)
        {
            var parameter = statement.CreateParameter();
            parameter.ParameterName = source.ParameterName;
            parameter.DbType = source.DbType;
            parameter.Value = source.Value;
            statement.Parameters.Add(parameter);
        }

        batch.BatchCommands.Add(statement);
    }

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableInt64(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
