namespace Slipway.Supervisor.XmlRpc;

/// <summary>An XML-RPC fault: what a method throws to answer <c>&lt;fault&gt;</c> with a code and string.</summary>
public sealed class FaultException : Exception
{
    public FaultException(int code, string text)
        : base(text)
    {
        Code = code;
    }

    public FaultException()
    {
    }

    public FaultException(string message)
        : base(message)
    {
    }

    public FaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Code { get; }
}

/// <summary>A request body that is not a well-formed methodCall.</summary>
public sealed class XmlRpcParseException : Exception
{
    public XmlRpcParseException(string message)
        : base(message)
    {
    }

    public XmlRpcParseException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public XmlRpcParseException()
    {
    }
}

/// <summary>A parsed methodCall.</summary>
public sealed record XmlRpcCall(string MethodName, IReadOnlyList<object?> Params);

/// <summary>supervisord's fault codes (xmlrpc.py <c>Faults</c>); the fault string is the name, then ": extra".</summary>
public static class Faults
{
    public const int UnknownMethod = 1;
    public const int IncorrectParameters = 2;
    public const int BadArguments = 3;
    public const int SignatureUnsupported = 4;
    public const int ShutdownState = 6;
    public const int BadName = 10;
    public const int BadSignal = 11;
    public const int NoFile = 20;
    public const int NotExecutable = 21;
    public const int Failed = 30;
    public const int AbnormalTermination = 40;
    public const int SpawnError = 50;
    public const int AlreadyStarted = 60;
    public const int NotRunning = 70;
    public const int Success = 80;
    public const int AlreadyAdded = 90;
    public const int StillRunning = 91;
    public const int CantReread = 92;

    public static string Name(int code) => code switch
    {
        UnknownMethod => "UNKNOWN_METHOD",
        IncorrectParameters => "INCORRECT_PARAMETERS",
        BadArguments => "BAD_ARGUMENTS",
        SignatureUnsupported => "SIGNATURE_UNSUPPORTED",
        ShutdownState => "SHUTDOWN_STATE",
        BadName => "BAD_NAME",
        BadSignal => "BAD_SIGNAL",
        NoFile => "NO_FILE",
        NotExecutable => "NOT_EXECUTABLE",
        Failed => "FAILED",
        AbnormalTermination => "ABNORMAL_TERMINATION",
        SpawnError => "SPAWN_ERROR",
        AlreadyStarted => "ALREADY_STARTED",
        NotRunning => "NOT_RUNNING",
        Success => "SUCCESS",
        AlreadyAdded => "ALREADY_ADDED",
        StillRunning => "STILL_RUNNING",
        CantReread => "CANT_REREAD",
        _ => "UNKNOWN",
    };

    /// <summary>The fault supervisord raises: <c>RPCError(code, extra)</c>.</summary>
    public static FaultException Error(int code, string? extra = null) =>
        new(code, string.IsNullOrEmpty(extra) ? Name(code) : Name(code) + ": " + extra);
}
