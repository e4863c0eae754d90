/** Brazilian Portuguese, with the product's own wording for call commands. */
import type { Translation } from './en.js';

const ptBR: Translation = {
  $lang: 'pt-BR',
  $name: 'Português (Brasil)',
  moreCommands: 'Mais comandos',
  voiceCall: 'Chamada de voz',
  videoCall: 'Chamada de vídeo',
  acceptWithAudio: 'Aceitar com áudio',
  acceptWithVideo: 'Aceitar com vídeo',
  reject: 'Rejeitar',
  incomingCall: (caller, video) => `${caller} está ligando para você (${video ? 'chamada de vídeo' : 'chamada de voz'})`,
  defaultCaller: 'Atendimento ao cliente',
  calling: 'Chamando o cliente…',
  connecting: 'Conectando…',
  reconnecting: 'Reconectando…',
  poorNetwork: 'Conexão de rede ruim',
  inCall: 'Em chamada',
  callDuration: 'Duração da chamada',
  ended: {
    'local-ended': 'Chamada encerrada',
    'remote-ended': 'A outra pessoa encerrou a chamada',
    rejected: 'A chamada foi recusada',
    cancelled: 'A chamada foi cancelada',
    missed: 'Chamada perdida',
    failed: 'A chamada falhou',
  },
  mute: 'Mudo',
  unmute: 'Desativar mudo',
  turnOffVideo: 'Desativar vídeo',
  turnOnVideo: 'Ativar vídeo',
  endCall: 'Encerrar chamada',
  devices: 'Dispositivos',
  microphone: 'Microfone',
  camera: 'Câmera',
  speaker: 'Alto-falante',
  defaultDevice: 'Padrão',
  agent: 'Agente',
  customer: 'Cliente',
  yourVideo: 'Seu vídeo',
  remoteVideo: (who) => `Vídeo: ${who}`,
  remoteMuted: (who) => `${who}: microfone no mudo`,
  remoteCameraOff: (who) => `${who}: câmera desligada`,
  videoFallback: 'Sua câmera não está disponível; a chamada continua só com áudio.',
  coBrowse: 'Navegação conjunta',
  shareScreen: 'Compartilhar tela',
  dismiss: 'Fechar',
  errors: {
    'permission-denied': {
      title: 'O acesso ao microfone ou à câmera está bloqueado.',
      action: 'Permita o acesso nas configurações do site no navegador (ícone da câmera na barra de endereço) e tente de novo.',
    },
    'device-not-found': {
      title: 'Nenhum microfone ou câmera foi encontrado.',
      action: 'Conecte um dispositivo ou escolha outro e tente de novo.',
    },
    'device-in-use': {
      title: 'Seu microfone ou câmera está sendo usado por outro aplicativo.',
      action: 'Feche o outro aplicativo e tente de novo.',
    },
    'insecure-context': {
      title: 'Chamadas precisam de uma conexão segura.',
      action: 'Abra esta página com um endereço https://.',
    },
    'unsupported-browser': {
      title: 'Este navegador não faz chamadas.',
      action: 'Use uma versão atual do Chrome, Edge, Firefox ou Safari.',
    },
    'signaling-failed': {
      title: 'A conexão com o serviço de chamadas foi perdida.',
      action: 'Verifique sua conexão com a internet e tente de novo.',
    },
    'media-failed': {
      title: 'Não foi possível conectar a chamada.',
      action: 'Verifique sua rede ou firewall e tente de novo.',
    },
    'invalid-state': {
      title: 'Isso não é possível agora.',
      action: 'Aguarde a etapa atual terminar.',
    },
    'video-not-allowed': {
      title: 'O vídeo está desativado neste serviço.',
      action: 'Use uma chamada de voz.',
    },
    'calls-disabled': {
      title: 'As chamadas estão desativadas neste serviço.',
      action: 'Continue a conversa pelo chat.',
    },
  },
  // call-controls
  callControls: 'Controles da chamada',
  // end call-controls
};

export default ptBR;
