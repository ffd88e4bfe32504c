"""SES v2 import- and export-job operations (``/v2/email/import-jobs``,
``/v2/email/export-jobs``, issue 20). The work runs in the background
(services/job_runner.py)."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import shapes
from openses.domain.errors import InvalidInput
from openses.domain.job import (
    DataFormat,
    ExportJob,
    ExportMetric,
    ExportSourceType,
    ImportAction,
    ImportDestination,
    ImportJob,
    InsightsFilters,
    JobStatus,
    MessageInsightsSource,
    MetricsSource,
    S3Object,
    check_interval,
    new_job_id,
)
from openses.protocol.models import V2
from openses.services import jobs as service
from openses.services.object_store import ObjectStore

# PageSize: the model gives no bounds; 100 at most and 10 by default (GUESS, as the templates).
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


# -- imports ------------------------------------------------------------------------------------


@operation(V2, "CreateImportJob")
def create_import_job(
    context: RequestContext, *, import_destination: Wire, import_data_source: Wire
) -> Output:
    job = ImportJob(
        job_id=new_job_id(),
        destination=_import_destination(import_destination),
        source=S3Object.parse(import_data_source["S3Url"]),
        data_format=DataFormat(import_data_source["DataFormat"]),
        created_at=context.clock(),
    )
    service.create_import(context.writing(), job)
    return {"JobId": job.job_id}


def _import_destination(wire: Wire) -> ImportDestination:
    contact_list, suppression = _one_of(
        wire,
        "ContactListDestination",
        "SuppressionListDestination",
        # GUESS wording: the model lets both (or neither) through
        "The import destination must be either a contact list or the suppression list.",
    )
    if contact_list is not None:
        return ImportDestination(
            action=ImportAction(contact_list["ContactListImportAction"]),
            contact_list_name=contact_list["ContactListName"],
        )
    assert suppression is not None
    return ImportDestination(action=ImportAction(suppression["SuppressionListImportAction"]))


@operation(V2, "GetImportJob", calls_out=True)
def get_import_job(context: RequestContext, *, job_id: str) -> Output:
    job = service.get_import(context.reading(), job_id)
    output = {**_import_summary(job), "ImportDataSource": _data_source(job)}
    output["CompletedTimestamp"] = job.completed_at
    failure: Wire = {}
    if job.failed_records_object is not None and context.object_store is not None:
        failure["FailedRecordsS3Url"] = _url(
            context.object_store, context, job.failed_records_object
        )
    if job.error_message:
        failure["ErrorMessage"] = job.error_message
    if failure:
        output["FailureInfo"] = failure
    return output


@operation(V2, "ListImportJobs")
def list_import_jobs(
    context: RequestContext,
    *,
    import_destination_type: str | None = None,
    next_token: str | None = None,
    page_size: int | None = None,
) -> Output:
    size = _page_size(page_size)
    contact_list = (
        None if import_destination_type is None else import_destination_type == "CONTACT_LIST"
    )
    page = service.list_imports(
        context.reading(), contact_list=contact_list, next_token=next_token, page_size=size
    )
    return shapes.page("ImportJobs", [_import_summary(job) for job in page.items], page.next_token)


def _import_summary(job: ImportJob) -> Output:
    destination = job.destination
    if destination.contact_list_name is not None:
        wire = {
            "ContactListDestination": {
                "ContactListName": destination.contact_list_name,
                "ContactListImportAction": destination.action,
            }
        }
    else:
        wire = {"SuppressionListDestination": {"SuppressionListImportAction": destination.action}}
    return {
        "JobId": job.job_id,
        "ImportDestination": wire,
        "JobStatus": job.status,
        "CreatedTimestamp": job.created_at,
        "ProcessedRecordsCount": job.processed_records,
        "FailedRecordsCount": job.failed_records,
    }


def _data_source(job: ImportJob) -> Wire:
    return {"S3Url": str(job.source), "DataFormat": job.data_format}


# -- exports ------------------------------------------------------------------------------------


@operation(V2, "CreateExportJob")
def create_export_job(
    context: RequestContext, *, export_data_source: Wire, export_destination: Wire
) -> Output:
    if "S3Url" in export_destination:
        # the model: "If you include this field in a CreateExportJob request, the request fails
        # with a BadRequestException" (GUESS wording)
        raise InvalidInput("ExportDestination.S3Url is set by SES and must not be given.")
    job = ExportJob(
        job_id=new_job_id(),
        source=_export_source(export_data_source),
        data_format=DataFormat(export_destination["DataFormat"]),
        created_at=context.clock(),
    )
    service.create_export(context.writing(), job)
    return {"JobId": job.job_id}


def _export_source(wire: Wire) -> MetricsSource | MessageInsightsSource:
    metrics, insights = _one_of(
        wire,
        "MetricsDataSource",
        "MessageInsightsDataSource",
        "The export data source must hold one of MetricsDataSource and MessageInsightsDataSource.",
    )
    if metrics is not None:
        check_interval(metrics["StartDate"], metrics["EndDate"])
        return MetricsSource(
            dimensions=tuple((k, tuple(v)) for k, v in metrics["Dimensions"].items()),
            namespace=metrics["Namespace"],
            metrics=tuple(
                ExportMetric(name=m.get("Name", "SEND"), aggregation=m.get("Aggregation", "VOLUME"))
                for m in metrics["Metrics"]
            ),
            start=metrics["StartDate"],
            end=metrics["EndDate"],
        )
    assert insights is not None
    check_interval(insights["StartDate"], insights["EndDate"])
    return MessageInsightsSource(
        start=insights["StartDate"],
        end=insights["EndDate"],
        include=_filters(insights.get("Include") or {}),
        exclude=_filters(insights.get("Exclude") or {}),
        max_results=insights.get("MaxResults", 1000),
    )


def _filters(wire: Wire) -> InsightsFilters:
    return InsightsFilters(
        from_email_address=tuple(wire.get("FromEmailAddress", ())),
        destination=tuple(wire.get("Destination", ())),
        subject=tuple(wire.get("Subject", ())),
        isp=tuple(wire.get("Isp", ())),
        tenant_name=tuple(wire.get("TenantName", ())),
        last_delivery_event=tuple(wire.get("LastDeliveryEvent", ())),
        last_engagement_event=tuple(wire.get("LastEngagementEvent", ())),
    )


@operation(V2, "GetExportJob", calls_out=True)
def get_export_job(context: RequestContext, *, job_id: str) -> Output:
    job = service.get_export(context.reading(), job_id)
    destination: Wire = {"DataFormat": job.data_format}
    if job.status is JobStatus.COMPLETED and job.result is not None and context.object_store:
        destination["S3Url"] = _url(context.object_store, context, job.result)
    output: Output = {
        "JobId": job.job_id,
        "ExportSourceType": job.source_type,
        "JobStatus": job.status,
        "ExportDestination": destination,
        "ExportDataSource": _export_source_wire(job),
        "CreatedTimestamp": job.created_at,
        "CompletedTimestamp": job.completed_at,
        "Statistics": {
            "ProcessedRecordsCount": job.processed_records,
            "ExportedRecordsCount": job.exported_records,
        },
    }
    if job.error_message:
        output["FailureInfo"] = {"ErrorMessage": job.error_message}
    return output


def _export_source_wire(job: ExportJob) -> Wire:
    source = job.source
    if isinstance(source, MetricsSource):
        return {
            "MetricsDataSource": {
                "Dimensions": {name: list(values) for name, values in source.dimensions},
                "Namespace": source.namespace,
                "Metrics": [{"Name": m.name, "Aggregation": m.aggregation} for m in source.metrics],
                "StartDate": source.start,
                "EndDate": source.end,
            }
        }
    wire: Wire = {
        "StartDate": source.start,
        "EndDate": source.end,
        "MaxResults": source.max_results,
    }
    for name, filters in (("Include", source.include), ("Exclude", source.exclude)):
        if not filters.empty():
            wire[name] = _filters_wire(filters)
    return {"MessageInsightsDataSource": wire}


def _filters_wire(filters: InsightsFilters) -> Wire:
    names = {
        "FromEmailAddress": filters.from_email_address,
        "Destination": filters.destination,
        "Subject": filters.subject,
        "Isp": filters.isp,
        "TenantName": filters.tenant_name,
        "LastDeliveryEvent": filters.last_delivery_event,
        "LastEngagementEvent": filters.last_engagement_event,
    }
    return {name: list(values) for name, values in names.items() if values}


@operation(V2, "ListExportJobs")
def list_export_jobs(
    context: RequestContext,
    *,
    next_token: str | None = None,
    page_size: int | None = None,
    export_source_type: str | None = None,
    job_status: str | None = None,
) -> Output:
    size = _page_size(page_size)
    page = service.list_exports(
        context.reading(),
        source_type=ExportSourceType(export_source_type) if export_source_type else None,
        status=JobStatus(job_status) if job_status else None,
        next_token=next_token,
        page_size=size,
    )
    summaries = [
        {
            "JobId": job.job_id,
            "ExportSourceType": job.source_type,
            "JobStatus": job.status,
            "CreatedTimestamp": job.created_at,
            "CompletedTimestamp": job.completed_at,
        }
        for job in page.items
    ]
    return shapes.page("ExportJobs", summaries, page.next_token)


@operation(V2, "CancelExportJob")
def cancel_export_job(context: RequestContext, *, job_id: str) -> Output:
    service.cancel_export(context.writing(), job_id, context.clock())
    return {}


def _page_size(requested: int | None) -> int:
    return shapes.page_size(requested, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)


def _one_of(wire: Wire, first: str, second: str, refusal: str) -> tuple[Wire | None, Wire | None]:
    """The two members of a choice the model does not make a union: exactly one must be set,
    else ``refusal`` is the InvalidInput's message."""
    chosen: tuple[Wire | None, Wire | None] = (wire.get(first), wire.get(second))
    if (chosen[0] is None) == (chosen[1] is None):
        raise InvalidInput(refusal)
    return chosen


def _url(store: ObjectStore, context: RequestContext, location: S3Object) -> str:
    return store.url(context.region, location)
