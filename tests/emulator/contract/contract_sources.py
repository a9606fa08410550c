"""Fixtures transcribed from real CXone sources: what real clients send, what they read.

Every fixture names its source as ``repo@commit path (symbol)``. Only shapes (field
names, JSON types, status codes, texts) are transcribed; no code is copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CJ",
    "MCP",
    "NPY",
    "QA",
    "SDK",
    "TAP",
    "Fixture",
]

CJ = "calljacob/nice-cxone-api@28a1bd4b4a53"
"""TypeScript client generated from NICE's OpenAPI: the spec."""
TAP = "singer-io/tap-nice-incontact@e437854"
"""Singer tap on the reporting API (production, v21)."""
MCP = "outboundani/cxone-mcp@17439bd6"
"""MCP server that runs against a live tenant."""
QA = "walterplaza/protractor@15fa8271"
"""API tests against inContact lab clusters (expected status codes and texts)."""
SDK = "nice-devone/nice-cxone-agent-sdk@abf046d"
"""NICE's own agent SDK (compiled dist/)."""
NPY = "PyPI nicepy 1.0.0"


@dataclass(frozen=True)
class Fixture:
    """One transcribed exchange: the query a client sends and the answer the source shows."""

    source: str
    params: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    text: str | None = None
    """The expected ``errorDescription`` / ``icStatusDescription`` (its real prefix)."""


TAP_COMPLETED_V21 = [
    "abandoned",
    "abandonSeconds",
    "ACWSeconds",
    "agentId",
    "agentSeconds",
    "callbackTime",
    "campaignId",
    "campaignName",
    "confSeconds",
    "contactId",
    "contactStart",
    "dateACWWarehoused",
    "dateContactWarehoused",
    "dispositionNotes",
    "firstName",
    "fromAddr",
    "holdCount",
    "holdSeconds",
    "inQueueSeconds",
    "isLogged",
    "isOutbound",
    "isRefused",
    "isShortAbandon",
    "isTakeover",
    "lastName",
    "lastUpdateTime",
    "masterContactId",
    "mediaType",
    "mediaSubTypeId",
    "mediaSubTypeName",
    "mediaTypeName",
    "pointOfContactId",
    "pointOfContactName",
    "postQueueSeconds",
    "preQueueSeconds",
    "primaryDispositionId",
    "refuseReason",
    "refuseTime",
    "releaseSeconds",
    "routingTime",
    "secondaryDispositionId",
    "serviceLevelFlag",
    "skillId",
    "skillName",
    "teamId",
    "teamName",
    "toAddr",
    "totalDurationSeconds",
    "transferIndicatorId",
    "transferIndicatorName",
    "isAnalyticsProcessed",
    "analyticsProcessedDate",
]
"""TAP ``tap_nice_incontact/schemas/contacts_completed.json`` properties (built for v21)."""

CJ_COMPLETED_V33 = [
    "abandoned",
    "abandonSeconds",
    "acwSeconds",
    "agentId",
    "agentSeconds",
    "callbackTime",
    "campaignId",
    "campaignName",
    "conferenceSeconds",
    "contactId",
    "contactStartDate",
    "dispositionNotes",
    "endReason",
    "firstName",
    "fromAddress",
    "holdCount",
    "holdSeconds",
    "inQueueSeconds",
    "isLogged",
    "isOutbound",
    "isRefused",
    "isShortAbandon",
    "isTakeover",
    "lastName",
    "lastUpdateTime",
    "masterContactId",
    "mediaTypeId",
    "mediaTypeName",
    "primaryDispositionId",
    "secondaryDispositionId",
    "skillId",
    "skillName",
    "teamId",
    "teamName",
    "toAddress",
    "totalDurationSeconds",
]
"""CJ ``src/services/reporting/ReportingReportingService.ts`` completedContactDetails items
(abridged to the fields the emulator simulates)."""

CJ_ACTIVE = [
    "agentId",
    "campaignId",
    "contactId",
    "contactStartDate",
    "fromAddress",
    "isOutbound",
    "lastUpdateTime",
    "masterContactId",
    "mediaTypeId",
    "mediaTypeName",
    "skillId",
    "skillName",
    "stateId",
    "stateName",
    "contactStateCategory",
    "targetAgentId",
    "teamId",
    "toAddress",
]
"""CJ ``src/services/realtime/RealtimedataRealtimeService.ts`` activeContacts items."""

CJ_AGENT_STATE = [
    "agentId",
    "agentStateId",
    "agentStateName",
    "businessUnitId",
    "contactId",
    "isOutbound",
    "firstName",
    "lastName",
    "lastUpdateTime",
    "outStateId",
    "skillId",
    "skillName",
    "startDate",
    "teamId",
    "teamName",
]
"""CJ ``RealtimedataRealtimeService.ts`` getAgentStates items (``startDate``: nicepy
``Agents.GetAgentStates`` reads ``obj['startDate']``)."""

CJ_BUSINESS_UNIT = [
    "businessUnitId",
    "businessUnitName",
    "tenantId",
    "isActive",
    "defaultTimeZone",
    "callSuppression",
    "priorityBasedBlending",
    "allowPredictiveDialing",
    "enableSkillAbandonRate",
    "abandonRateScope",
    "defaultConfirmationDeliveryModeId",
    "defaultConfirmationDeliveryMode",
    "defaultComplianceRecordTypeId",
    "defaultComplianceRecordType",
    "defaultContactExpirationMinutes",
    "concurrentPortLimit",
    "outboundPortLimit",
    "agentlessPortLimit",
    "features",
    "timeZones",
]
"""CJ ``src/services/admin/AdminGeneralService.ts`` AdminGeneral_getBusinessUnitResponse."""

CJ_POST_SKILL_FULL: dict[str, Any] = {
    "mediaTypeId": 4,
    "skillName": "CJ full skill",
    "divisionNo": 0,
    "isOutbound": True,
    "outboundStrategy": "Personal Connection",
    "outboundTelecomRouteId": 100,
    "campaignId": 0,
    "callerIdOverride": "+18005550100",
    "emailFromAddress": "a@b.c",
    "emailFromEditable": False,
    "emailBccAddress": "b@b.c",
    "FocusMetric": 0,
    "EquityLevel": 0,
    "FocusLock": 0,
    "FallbackTime": 0,
    "scriptId": 9001,
    "reskillHours": 0,
    "minWFIAgents": 0,
    "minWFIAvailableAgents": 0,
    "requireManualAccept": False,
    "interruptible": False,
    "enableParking": False,
    "minWorkingTime": 0,
    "agentless": False,
    "agentlessPorts": 0,
    "notes": "from the spec",
    "acwTypeId": 1,
    "requireDisposition": True,
    "allowSecondaryDisposition": False,
    "stateIdACW": 0,
    "maxSecondsACW": 30,
    "agentRestTime": 0,
    "displayThankyou": False,
    "thankYouLink": "",
    "popThankYou": False,
    "popThankYouURL": "",
    "makeTranscriptAvailable": False,
    "transcriptFromAddress": "",
    "priorityBlending": False,
    "callSuppressionScriptId": 0,
    "useScreenPops": False,
    "screenPopTriggerEvent": 0,
    "useCustomScreenPops": False,
    "screenPopType": "",
    "screenPopDetails": "",
    "initialPriority": 0,
    "acceleration": 1,
    "maxPriority": 1000,
    "serviceLevelThreshold": 30,
    "serviceLevelGoal": 80,
    "enableShortAbandon": False,
    "shortAbandonThreshold": 15,
    "countShortAbandons": False,
    "chatWarningThreshold": 0,
    "agentTypingIndicator": False,
    "patronTypingPreview": False,
    "smsTransportCodeId": 0,
    "messageTemplateId": 0,
    "dispositions": [],
    "deliverMultipleNumbersSerially": False,
    "cradleToGrave": False,
    "priorityInterrupt": False,
    "acwPostTimeoutStateId": 0,
    "workItemQueueType": "",
    "evaluationCriteria": 0,
}
"""Every field of CJ ``AdminSkillsService.ts`` postSkills, with the spec's JSON types."""

CJ_GENERAL_SETTINGS: dict[str, Any] = {
    "minimumRetryMinutes": 30,
    "maximumAttempts": 3,
    "defaultContactExpiration": 1440,
    "getPriorityContactsOnContactInsertion": False,
    "loadCallbacks": True,
    "loadFresh": True,
    "loadNonFresh": True,
    "overrideBusinessUnitAbandonRate": False,
    "maximumRingingDuration": 30,
    "beginDampenPercentage": 2,
    "abandonRateCutoff": 3,
    "abandonRateThreshold": 3,
    "inactiveBlenderTimer": 0,
    "maximumRatio": 1,
    "aggressiveness": "Normal",
    "endOfListNotificationsDelay": 0,
    "notifyAgentsWhenListIsEmpty": False,
    "percentageOfAgentsBeforeOverdial": 0,
    "blockMultipleCalls": False,
    "consecutiveAttemptsWithoutALiveConnect": 0,
    "enableDialingByProficiency": False,
    "proficiencyFactor": 0,
    "waitTimeFactor": 0,
    "maxConcurrentCallsPerAgent": 1,
    "maxWaitTimeSeconds": 0,
    "deliverCallbacksOnDNCHolidays": False,
    "deliverPrioritiesOnDNCHolidays": False,
}
"""CJ ``AdminSkills_UpdateSkillGenral.generalSettings`` (``aggressiveness`` a string)."""

CJ_CPA_SETTINGS: dict[str, Any] = {
    "abandonMessagePath": "",
    "abandonMsgMode": 0,
    "abandonTimeout": 2,
    "agentNoResponseSeconds": 3,
    "agentOverrideOptionAnsweringMachine": True,
    "agentOverrideOptionBadNumber": True,
    "agentOverrideOptionFax": True,
    "agentResponseUtteranceMinimumSeconds": 1,
    "agentVoiceThreshold": 10,
    "ansMachineDetMode": 0,
    "ansMachineMsg": "",
    "ansMachineOverrideSeconds": 5,
    "customerLiveSilenceSeconds": 2,
    "customerVoiceThreshold": 10,
    "enableCPALogging": False,
    "exceptions": [],
    "machineEndSilenceSeconds": 1,
    "machineEndTimeoutSeconds": 30,
    "machineMinimumWithAgentSeconds": 2,
    "machineMinimumWithoutAgentSeconds": 2,
    "preConnectCPAEnabled": False,
    "preConnectCPARecording": False,
    "treatProgressAsRinging": False,
    "utteranceMinimumSeconds": 1,
}
"""CJ ``putSkillsIdParametersCpaManagement`` ``cpaSettings``."""

CJ_DELIVERY_PREFERENCES: dict[str, Any] = {
    "confirmationRequiredDisabled": True,
    "confirmationRequiredDeliveryType": 0,
    "confirmationRequiredTimeout": 30,
    "confirmationRequiredTimeoutSubsequent": 30,
    "confirmationRequiredDefaultAccept": False,
    "confirmationRequiredDefault": False,
    "complianceRecordsDisabled": True,
    "complianceRecordsDeliveryType": 0,
    "complianceRecordsTimeout": 30,
    "complianceRecordsTimeoutSubsequent": 30,
    "complianceRecordsDefaultAccept": False,
    "showComplianceButtonReschedule": True,
    "showComplianceButtonRequeue": True,
    "showComplianceButtonSnooze": True,
    "showComplianceButtonDisposition": True,
    "showPreviewButtonReschedule": True,
    "showPreviewButtonRequeue": True,
    "showPreviewButtonSnooze": True,
    "showPreviewButtonDisposition": True,
}
"""CJ ``putSkillsIdParametersDeliveryPreferences`` ``deliveryPreferences``."""
