namespace Slipway.Supervisor.XmlRpc;

/// <summary>
/// A value that writes its own XML-RPC form (what goes inside <c>&lt;value&gt;</c>), for replies sent often enough
/// that building a dictionary per item first would be most of their cost.
/// </summary>
public interface IXmlRpcValue
{
    void WriteTo(Utf8Builder builder);
}
