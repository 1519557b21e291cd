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
