using System.Xml;

namespace Slipway.Supervisor.XmlRpc;

/// <summary>
/// Parses an XML-RPC methodResponse: the single value of <c>&lt;params&gt;</c>, or a <c>&lt;fault&gt;</c> returned as
/// <see cref="XmlRpcResponse.Fault"/>. Values map as in <see cref="XmlRpcReader"/>; anything malformed is an
/// <see cref="XmlRpcParseException"/>.
/// </summary>
public static class XmlRpcResponseReader
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        XmlResolver = null,
        MaxCharactersInDocument = 256 * 1024 * 1024,
    };

    public static XmlRpcResponse Parse(Stream body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            using var reader = XmlReader.Create(body, Settings);
            var doc = new XmlDocument { XmlResolver = null };
            doc.Load(reader);
            var root = doc.DocumentElement;
            if (root is null || root.Name != "methodResponse")
            {
                throw new XmlRpcParseException("the response is not a methodResponse");
            }

            if (root["fault"] is { } fault)
            {
                var value = fault["value"] ?? throw new XmlRpcParseException("fault has no value");
                if (XmlRpcReader.ParseValue(value) is not Dictionary<string, object?> s ||
                    !s.TryGetValue("faultCode", out var code) || code is not int faultCode)
                {
                    throw new XmlRpcParseException("fault is not a struct with faultCode and faultString");
                }

                return new XmlRpcResponse(null, new XmlRpcFault(faultCode, s.GetValueOrDefault("faultString") as string ?? ""));
            }

            var param = root["params"]?["param"]?["value"] ?? throw new XmlRpcParseException("methodResponse has no params/param/value");
            return new XmlRpcResponse(XmlRpcReader.ParseValue(param), null);
        }
        catch (XmlException e)
        {
            throw new XmlRpcParseException("the response is not well-formed XML: " + e.Message, e);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException)
        {
            throw new XmlRpcParseException("a value in the response is malformed: " + e.Message, e);
        }
    }
}

/// <summary>A methodResponse: a value, or a fault.</summary>
public sealed record XmlRpcResponse(object? Value, XmlRpcFault? Fault);

/// <summary>A fault's code and string, as the server sent them.</summary>
public sealed record XmlRpcFault(int Code, string Text);
