namespace Slipway.Monitor.Scheduling;

/// <summary>Several sinks as one: each run goes to every sink in order; one that throws does not stop the others.</summary>
public sealed class CheckRunSinks(params ICheckRunSink[] sinks) : ICheckRunSink
{
    public async ValueTask RecordAsync(CheckRun run, CancellationToken ct)
    {
        List<Exception>? failures = null;
        foreach (var sink in sinks)
        {
            try
            {
                await sink.RecordAsync(run, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException(failures);
        }
    }
}
