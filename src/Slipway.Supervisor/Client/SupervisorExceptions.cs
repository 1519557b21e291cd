using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Client;

/// <summary>
/// The supervisor answered a call with an XML-RPC fault, e.g. code 10 <c>BAD_NAME: web</c>. <see cref="Code"/> is one
/// of <see cref="Faults"/>; <see cref="FaultString"/> is the server's text unchanged.
/// </summary>
public sealed class SupervisorFaultException : Exception
{
    public SupervisorFaultException(string method, int code, string faultString)
        : base($"{method} failed: {faultString} (fault {code})")
    {
        Method = method;
        Code = code;
        FaultString = faultString;
    }

    public SupervisorFaultException()
    {
        Method = "";
        FaultString = "";
    }

    public SupervisorFaultException(string message)
        : base(message)
    {
        Method = "";
        FaultString = message;
    }

    public SupervisorFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
        Method = "";
        FaultString = message;
    }

    public string Method { get; }

    public int Code { get; }

    public string FaultString { get; }

    /// <summary>The fault's name (BAD_NAME, ALREADY_ADDED…).</summary>
    public string FaultName => Faults.Name(Code);
}

/// <summary>The supervisor could not be reached (no socket, connection refused, not HTTP, 401…).</summary>
public sealed class SupervisorUnreachableException : Exception
{
    public SupervisorUnreachableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public SupervisorUnreachableException()
    {
    }

    public SupervisorUnreachableException(string message)
        : base(message)
    {
    }
}
