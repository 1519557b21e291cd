using System.Collections;

namespace Slipway.Supervisor.XmlRpc;

/// <summary>
/// Writes methodResponse bodies, straight to UTF-8 (<see cref="Utf8Builder"/>). Ints are capped to int32 like
/// supervisord's capped_int. Compact on purpose: strings are untyped values (the XML-RPC default type) and there
/// is no whitespace between elements, which makes a 500-process getAllProcessInfo about a fifth cheaper for a
/// Python client to parse.
/// </summary>
public static class XmlRpcWriter
{
    public static string Response(object? value)
    {
        using var b = new Utf8Builder();
        WriteResponse(b, value);
        return b.ToString();
    }

    public static string Fault(int code, string text)
    {
        using var b = new Utf8Builder();
        WriteFault(b, code, text);
        return b.ToString();
    }

    public static void WriteResponse(Utf8Builder b, object? value)
    {
        WriteResponseStart(b);
        WriteValue(b, value);
        WriteResponseEnd(b);
    }

    /// <summary>What comes before the value of a response (for one sent in parts).</summary>
    public static void WriteResponseStart(Utf8Builder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Append("<?xml version='1.0'?>\n<methodResponse><params><param>"u8);
    }

    public static void WriteResponseEnd(Utf8Builder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Append("</param></params></methodResponse>\n"u8);
    }

    /// <summary>What comes before the items of an array value (<see cref="WriteValue"/> of each follows).</summary>
    public static void WriteArrayStart(Utf8Builder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Append("<value><array><data>"u8);
    }

    public static void WriteArrayEnd(Utf8Builder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Append("</data></array></value>"u8);
    }

    public static void WriteFault(Utf8Builder b, int code, string text)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Append("<?xml version='1.0'?>\n<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>"u8)
            .Append(code)
            .Append("</int></value></member><member><name>faultString</name><value>"u8)
            .AppendEscaped(text)
            .Append("</value></member></struct></value></fault></methodResponse>\n"u8);
    }

    public static string Call(string method, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(parameters);
        using var b = new Utf8Builder();
        b.Append("<?xml version='1.0'?>\n<methodCall>\n<methodName>"u8).AppendEscaped(method).Append("</methodName>\n<params>\n"u8);
        foreach (var p in parameters)
        {
            b.Append("<param>\n"u8);
            WriteValue(b, p);
            b.Append("</param>\n"u8);
        }

        b.Append("</params>\n</methodCall>\n"u8);
        return b.ToString();
    }

    public static void WriteValue(Utf8Builder b, object? value)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (value is List<object?> items)
        {
            WriteArrayStart(b);
            foreach (var item in items)
            {
                WriteValue(b, item);
            }

            WriteArrayEnd(b);
            return;
        }

        b.Append("<value>"u8);
        switch (value)
        {
            case IXmlRpcValue self:
                self.WriteTo(b);
                break;
            case null:
                b.Append("<nil/>"u8);
                break;
            case bool v:
                b.Append(v ? "<boolean>1</boolean>"u8 : "<boolean>0</boolean>"u8);
                break;
            case int i:
                b.Append("<int>"u8).Append(i).Append("</int>"u8);
                break;
            case long l:
                b.Append("<int>"u8).Append(Math.Clamp(l, int.MinValue, int.MaxValue)).Append("</int>"u8);
                break;
            case double d:
                b.Append("<double>"u8).Append(d, "R").Append("</double>"u8);
                break;
            case string s:
                b.AppendEscaped(s);
                break;
            case byte[] bytes:
                b.Append("<base64>\n"u8).AppendBase64(bytes).Append("\n</base64>"u8);
                break;
            case DateTime dt:
                b.Append("<dateTime.iso8601>"u8).Append(dt, "yyyyMMdd'T'HH:mm:ss").Append("</dateTime.iso8601>"u8);
                break;
            case Dictionary<string, object?> dict: // the common case, enumerated without boxing each entry
                b.Append("<struct>"u8);
                foreach (var (key, item) in dict)
                {
                    b.Append("<member><name>"u8).AppendEscaped(key).Append("</name>"u8);
                    WriteValue(b, item);
                    b.Append("</member>"u8);
                }

                b.Append("</struct>"u8);
                break;
            case IDictionary dict:
                b.Append("<struct>"u8);
                foreach (DictionaryEntry entry in dict)
                {
                    b.Append("<member><name>"u8).AppendEscaped((string)entry.Key).Append("</name>"u8);
                    WriteValue(b, entry.Value);
                    b.Append("</member>"u8);
                }

                b.Append("</struct>"u8);
                break;
            case IEnumerable list:
                b.Append("<array><data>"u8);
                foreach (var item in list)
                {
                    WriteValue(b, item);
                }

                b.Append("</data></array>"u8);
                break;
            default:
                throw new ArgumentException($"cannot marshal a {value.GetType().Name} to XML-RPC", nameof(value));
        }

        b.Append("</value>"u8);
    }
}
