/**
 * What the SageMaker runtime front-end does with a container's non-2xx answer: it returns HTTP 424 with the error
 * type `ModelError` and a JSON body holding the container's status and body (`OriginalStatusCode`, `OriginalMessage`).
 * The container applies the same envelope on `/endpoints/{name}/invocations`, so a client tested against it handles
 * the errors it will see in AWS.
 * @module
 */

/** Wraps a container error response the way SageMaker's `InvokeEndpoint` reports it. */
export async function toModelErrorResponse(response: Response, endpointName: string): Promise<Response> {
  const originalMessage = await response.text();
  const kind = response.status < 500 ? 'client' : 'server';
  const body = {
    ErrorCode: `${kind.toUpperCase()}_ERROR_FROM_MODEL`,
    OriginalStatusCode: response.status,
    OriginalMessage: originalMessage,
    Message: `Received ${kind} error (${response.status}) from primary with message "${originalMessage}".`,
    LogStreamArn: `arn:aws:logs:local:000000000000:log-group:/aws/sagemaker/Endpoints/${endpointName}`,
  };
  return new Response(JSON.stringify(body), {
    status: 424,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ModelError' },
  });
}
