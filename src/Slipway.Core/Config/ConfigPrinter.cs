using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Slipway.Core.Config.Internal;

namespace Slipway.Core.Config;

/// <summary>
/// <c>slipway config show STAGE [--json]</c>: the configuration one stage really runs with, every default filled in,
/// with the same snake_case keys as slipway.yml.
/// </summary>
public static class ConfigPrinter
{
    public static string ToJson(SlipwayConfig config, StageConfig stage)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(stage);
        using var buffer = new MemoryStream();
        // Relaxed escaping: this is for people and scripts reading a terminal, not for embedding in HTML.
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            Write(writer, PrintTree.Build(config, stage));
        }

        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    public static string ToYaml(SlipwayConfig config, StageConfig stage)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(stage);
        return YamlTreeWriter.Write(PrintTree.Build(config, stage));
    }

    /// <summary>
    /// The file the supervisor recipe writes to <c>slipway/worker.yml</c> on a host that runs <c>workers:</c>: a
    /// slipway.yml of its own (application, <c>deploy_to</c>, a stage naming only this host) with the whole
    /// <c>queue:</c> section, so <c>slipway worker -f</c> there runs with the same store, lease, retry and limits as
    /// the deploying machine, and <c>slipway queue ls -f</c> works on the host. It holds the store's password: the
    /// recipe writes it mode 0600.
    /// </summary>
    /// <param name="config">The application's configuration.</param>
    /// <param name="host">The host the file is for.</param>
    /// <param name="queueUrl">The store the host's workers use (the recipe replaces the embedded default, a path on the deploying machine).</param>
    public static string WorkerFile(SlipwayConfig config, HostConfig host, string queueUrl)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(queueUrl);
        return YamlTreeWriter.Write(PrintTree.WorkerFile(config, host, queueUrl));
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case PrintMap map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    Write(writer, item);
                }

                writer.WriteEndObject();
                break;
            case List<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
