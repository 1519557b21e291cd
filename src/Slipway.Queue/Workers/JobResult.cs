namespace Slipway.Queue.Workers;

/// <summary>A handler's verdict, with the output to keep with the job.</summary>
public sealed record JobResult(bool Succeeded, string? Output = null, string? Error = null)
{
    public static JobResult Success(string? output = null) => new(true, output);

    public static JobResult Failure(string error, string? output = null) => new(false, output, error);
}
