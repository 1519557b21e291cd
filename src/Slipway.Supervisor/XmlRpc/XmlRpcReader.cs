using System.Globalization;
using System.Xml;

namespace Slipway.Supervisor.XmlRpc;

/// <summary>
/// Parses an XML-RPC methodCall. Values map to int, bool, string, double, byte[], DateTime, List&lt;object?&gt;,
/// Dictionary&lt;string, object?&gt; and null (nil); an untyped value is a string. Anything malformed is an
/// <see cref="XmlRpcParseException"/>, never another exception type (DTDs are refused).
/// </summary>
public static class XmlRpcReader
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        XmlResolver = null,
        MaxCharactersInDocument = 64 * 1024 * 1024,
    };

    public static XmlRpcCall ParseCall(ReadOnlySpan<byte> body)
    {
        try
        {
            using var stream = new MemoryStream(body.ToArray());
            using var reader = XmlReader.Create(stream, Settings);
            var doc = new XmlDocument { XmlResolver = null };
            doc.Load(reader);
            var root = doc.DocumentElement;
            if (root is null || root.Name != "methodCall")
            {
                throw new XmlRpcParseException("the body is not a methodCall");
            }

            var name = root["methodName"]?.InnerText.Trim() ?? throw new XmlRpcParseException("methodCall has no methodName");
            var parameters = new List<object?>();
            if (root["params"] is { } paramsElement)
            {
                foreach (var param in Elements(paramsElement))
                {
                    if (param.Name != "param" || param["value"] is not { } value)
                    {
                        throw new XmlRpcParseException("params must hold <param><value>…</value></param> elements");
                    }

                    parameters.Add(ParseValue(value));
                }
            }

            return new XmlRpcCall(name, parameters);
        }
        catch (XmlException e)
        {
            throw new XmlRpcParseException("the body is not well-formed XML: " + e.Message, e);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException)
        {
            throw new XmlRpcParseException("a value is malformed: " + e.Message, e);
        }
    }

    private static IEnumerable<XmlElement> Elements(XmlNode node) => node.ChildNodes.OfType<XmlElement>();

    internal static object? ParseValue(XmlElement value)
    {
        var typed = Elements(value).FirstOrDefault();
        if (typed is null)
        {
            return value.InnerText; // untyped: a string, whitespace kept
        }

        var text = typed.InnerText;
        return typed.Name switch
        {
            "int" or "i4" or "i8" => checked((int)long.Parse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
            "boolean" => text.Trim() switch
            {
                "1" => true,
                "0" => false,
                _ => throw new XmlRpcParseException($"bad boolean value '{text}'"),
            },
            "string" => text,
            "double" => double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture),
            "base64" => Convert.FromBase64String(text.Trim()),
            "dateTime.iso8601" => DateTime.ParseExact(text.Trim(), ["yyyyMMdd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"],
                CultureInfo.InvariantCulture, DateTimeStyles.None),
            "nil" => null,
            "array" => (typed["data"] is { } data ? Elements(data) : [])
                .Select(v => v.Name == "value" ? ParseValue(v) : throw new XmlRpcParseException("array data must hold <value> elements"))
                .ToList(),
            "struct" => ParseStruct(typed),
            _ => throw new XmlRpcParseException($"unknown value type <{typed.Name}>"),
        };
    }

    private static Dictionary<string, object?> ParseStruct(XmlElement element)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var member in Elements(element))
        {
            var name = member["name"]?.InnerText ?? throw new XmlRpcParseException("struct member has no name");
            var value = member["value"] ?? throw new XmlRpcParseException("struct member has no value");
            result[name] = ParseValue(value);
        }

        return result;
    }
}
