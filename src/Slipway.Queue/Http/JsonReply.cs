using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Slipway.Queue.Http;

/// <summary>
/// Writes the API's answers with <see cref="Utf8JsonWriter"/> (no reflection: the CLI is also published native).
/// Field names are snake_case as in the CLI's <c>--json</c>.
/// </summary>
internal static class JsonReply
{
    public static async Task WriteAsync(HttpContext http, int status, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext http, int status, string message) =>
        WriteAsync(http, status, w => w.WriteString("error", message));

    /// <summary>A leased job as a worker gets it: the payload as the JSON it was pushed as.</summary>
    public static void Job(Utf8JsonWriter w, LeasedJob job)
    {
        w.WriteStartObject();
        w.WriteNumber("id", job.Id);
        w.WriteString("queue", job.Queue);
        w.WriteNumber("attempt", job.Attempt);
        w.WriteNumber("attempts_used", job.AttemptsUsed);
        w.WriteNumber("max_attempts", job.MaxAttempts);
        w.WriteNumber("priority", job.Priority);
        w.WriteString("leased_until", job.LeasedUntil);
        w.WritePropertyName("payload");
        Payload(w, job.Payload);
        w.WriteEndObject();
    }

    /// <summary>
    /// The payload raw when it is JSON (everything the API and <c>queue push</c> store is); a string otherwise, since
    /// the library takes any text and a worker must still get the job.
    /// </summary>
    public static void Payload(Utf8JsonWriter w, string payload)
    {
        if (IsJson(payload))
        {
            w.WriteRawValue(payload, skipInputValidation: true);
        }
        else
        {
            w.WriteStringValue(payload);
        }
    }

    private static bool IsJson(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            while (reader.Read())
            {
                // Reads to the end: a second top-level value or a broken one throws.
            }

            return reader.BytesConsumed == bytes.Length && bytes.Length > 0 && reader.TokenType != JsonTokenType.None;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
