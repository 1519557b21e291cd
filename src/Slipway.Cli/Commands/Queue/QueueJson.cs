using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Queue.Admin;
using Spectre.Console;

namespace Slipway.Cli.Commands.Queue;

/// <summary>
/// The --json shape of push. The reading and admin commands print the records of <see cref="Slipway.Queue.Admin"/>
/// (<see cref="AdminJson"/>), the same documents the HTTP API's admin routes answer. Field names are part of the
/// product: scripts read them.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PushRecord))]
internal sealed partial class QueueJsonContext : JsonSerializerContext;

internal sealed record PushRecord(bool Ok, string Queue, long Id, bool Created);

internal static class QueueJson
{
    /// <summary>Relaxed escaping: payloads are JSON themselves, and \u0022 for every quote helps nobody reading them.</summary>
    public static QueueJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The admin records, as the HTTP API writes them.</summary>
    public static AdminJsonContext Admin => AdminJson.Context;

    public static void Write<T>(IAnsiConsole console, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var writer = console.Profile.Out.Writer;
        writer.Write(JsonSerializer.Serialize(value, type));
        writer.Write('\n');
        writer.Flush();
    }
}
