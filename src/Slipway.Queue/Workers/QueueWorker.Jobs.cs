namespace Slipway.Queue.Workers;

/// <summary>Running one job, and the heartbeats of all running jobs.</summary>
public sealed partial class QueueWorker
{
    private async Task RunJobAsync(LeasedJob job, CancellationToken abort)
    {
        using var running = new RunningJob(job, abort);
        lock (_running)
        {
            _running[job.Lease] = running;
        }

        JobResult? result;
        try
        {
            // Task.Run: a handler that blocks before its first await must not stall the lease loop.
            result = await Task.Run(() => handler.HandleAsync(job, running.Cancel.Token), CancellationToken.None);
        }
        catch (OperationCanceledException) when (running.Cancel.IsCancellationRequested)
        {
            result = null;
        }
        catch (Exception e)
        {
            result = JobResult.Failure($"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            lock (_running)
            {
                _running.Remove(job.Lease);
            }
        }

        await RecordAsync(running, result, abort.IsCancellationRequested);
    }

    private async Task RecordAsync(RunningJob running, JobResult? result, bool aborted)
    {
        var job = running.Job;
        if (running.Lost)
        {
            WorkerLog.LeaseLost(_logger, queue, job.Id, job.Attempt);
            return;
        }

        // The results are recorded even while stopping (CancellationToken.None): a stop is graceful.
        try
        {
            if (result is null || (aborted && !result.Succeeded))
            {
                if (await engine.GiveBackAsync(job.Lease, CancellationToken.None))
                {
                    WorkerLog.GivenBack(_logger, queue, job.Id, job.Attempt);
                }
            }
            else if (result.Succeeded)
            {
                if (await _completions!.CompleteAsync(new JobCompletion(job.Lease, result.Output)))
                {
                    _options.Recorded?.Invoke(job, result, null);
                }
            }
            else
            {
                var error = result.Error ?? "failed";
                var outcome = await engine.FailAsync(job.Lease, new JobFailure(error, result.Output), CancellationToken.None);
                WorkerLog.JobFailed(_logger, queue, job.Id, job.Attempt, outcome.Outcome, error);
                if (outcome.Outcome != FailOutcome.Refused)
                {
                    _options.FailureLog?.Write(JobFailureEvent.Create(queue, job.Id, job.Attempt, outcome, error, result.Output, _time.GetUtcNow()));
                    _options.Recorded?.Invoke(job, result, outcome);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            WorkerLog.RecordFailed(_logger, e, queue, job.Id, job.Attempt);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.EffectiveHeartbeat, _time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            List<JobLease> leases;
            lock (_running)
            {
                leases = [.. _running.Keys];
            }

            if (leases.Count == 0)
            {
                continue;
            }

            try
            {
                var held = (await engine.HeartbeatAsync(leases, _options.Lease, stop)).ToHashSet();
                MarkLost(leases.Where(lease => !held.Contains(lease)));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Try again at the next beat; a lease is a third of the way from running out.
                WorkerLog.HeartbeatFailed(_logger, e, queue);
            }
        }
    }

    private void MarkLost(IEnumerable<JobLease> lost)
    {
        foreach (var lease in lost)
        {
            RunningJob? running;
            lock (_running)
            {
                _running.TryGetValue(lease, out running);
            }

            if (running is null)
            {
                continue; // it finished between the snapshot and the beat
            }

            running.Lost = true;
            try
            {
                running.Cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It finished just now.
            }
        }
    }
}
