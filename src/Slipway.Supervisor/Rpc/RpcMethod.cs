using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Rpc;

/// <summary>One XML-RPC method: its arity, signature and help, and the body (which may return a Task to defer).</summary>
public sealed record RpcMethod(string Name, int MinArgs, int MaxArgs, string[] Signature, string Help, Func<Args, object?> Body);

/// <summary>Typed access to a call's parameters; a wrong type is INCORRECT_PARAMETERS, as a Python TypeError is.</summary>
public sealed class Args(IReadOnlyList<object?> values)
{
    public int Count => values.Count;

    public string String(int i) => values[i] switch
    {
        string s => s,
        byte[] b => System.Text.Encoding.UTF8.GetString(b),
        _ => throw Faults.Error(Faults.IncorrectParameters),
    };

    public int Int(int i) => values[i] switch
    {
        int n => n,
        bool b => b ? 1 : 0,
        string s when int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => throw Faults.Error(Faults.IncorrectParameters),
    };

    public bool Bool(int i, bool fallback) => i >= values.Count ? fallback : values[i] switch
    {
        bool b => b,
        int n => n != 0,
        _ => throw Faults.Error(Faults.IncorrectParameters),
    };

    public object? Raw(int i) => values[i];
}
